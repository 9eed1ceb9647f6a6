package dev.lmforge.cli.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Every unary call of the CLI has a deadline, so a service that hangs never hangs the command: a
 * short one by default, a long one for the calls that do real work before they answer (an import
 * from S3, loading a model behind an endpoint, creating a tuning job that the trainer checks first).
 * Streams (uploads, Watch, Generate, study reports) end when the service ends them or on Ctrl-C.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallDeadlines implements ClientInterceptor {

    private final Duration unary;
    private final Duration slow;

    CallDeadlines(@ConfigProperty(name = "lmforge.cli.call-deadline", defaultValue = "60s") Duration unary,
            @ConfigProperty(name = "lmforge.cli.slow-call-deadline", defaultValue = "60m") Duration slow) {
        this.unary = unary;
        this.slow = slow;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
            Duration deadline = isSlow(method.getBareMethodName()) ? slow : unary;
            options = options.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        return next.newCall(method, options);
    }

    static boolean isSlow(String method) {
        return method != null && switch (method) {
            case "ImportCorpus", "SetEndpointModel", "CreateTuningJob", "CreateStudy" -> true;
            default -> false;
        };
    }
}
