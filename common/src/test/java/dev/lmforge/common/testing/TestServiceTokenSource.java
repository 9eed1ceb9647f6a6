package dev.lmforge.common.testing;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * In tests, a service calls others with a service principal's token signed by the test key (what
 * {@code ./lmforge up} or a Kubernetes Secret gives it in a real run). Low ordinal: env wins.
 */
public class TestServiceTokenSource implements ConfigSource {

    private static final String KEY = "lmforge.auth.service-token";
    private volatile String token;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public String getValue(String name) {
        if (!KEY.equals(name)) {
            return null;
        }
        if (token == null) {
            token = TestTokens.service("test");
        }
        return token;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, getValue(KEY));
    }

    @Override
    public int getOrdinal() {
        return 50;
    }

    @Override
    public String getName() {
        return "lmforge-test-service-token";
    }
}
