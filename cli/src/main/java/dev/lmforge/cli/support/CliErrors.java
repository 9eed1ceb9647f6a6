package dev.lmforge.cli.support;

import dev.lmforge.cli.auth.Credentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

import javax.net.ssl.SSLException;

/** A failed call prints the service's status and message, and the command exits with status 1. */
@ApplicationScoped
public class CliErrors {

    public static final int FAILED = 1;

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + describe(e)));
            return FAILED;
        });
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (!(t instanceof StatusRuntimeException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof StatusRuntimeException sre) {
            Status s = sre.getStatus();
            if (s.getCode() == Status.Code.UNAVAILABLE && s.getDescription() != null && s.getDescription().startsWith("io exception")) {
                Throwable tls = sslCause(sre);
                if (tls != null) {
                    return "UNAVAILABLE: no TLS connection to the service (" + tls.getMessage() + "): the CLI trusts the CA file in "
                            + "LMFORGE_TLS_CA (./lmforge sets it), and speaks plaintext only with LMFORGE_TLS_ENABLED=false";
                }
                return "UNAVAILABLE: the service cannot be reached (is it running? try ./lmforge up)";
            }
            if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                return "DEADLINE_EXCEEDED: the service did not answer in time (LMFORGE_CLI_CALL_DEADLINE, LMFORGE_CLI_SLOW_CALL_DEADLINE); "
                        + "it may still be working: look with list or describe before you try again";
            }
            if (s.getCode() == Status.Code.UNAUTHENTICATED) {
                return "UNAUTHENTICATED: " + s.getDescription() + " (the CLI sends LMFORGE_TOKEN, or the token in " + Credentials.file()
                        + ", which ./lmforge up writes)";
            }
            return s.getCode() + ": " + (s.getDescription() == null ? "" : s.getDescription());
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static Throwable sslCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SSLException) {
                return t;
            }
        }
        return null;
    }
}
