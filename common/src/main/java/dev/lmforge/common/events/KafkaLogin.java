package dev.lmforge.common.events;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a Kafka client that is no Quarkus channel (the tests' probes, the chaos bench) signs in:
 * SASL/SCRAM-SHA-512 as a user whose password is in the environment variable
 * {@code LMFORGE_KAFKA_PASSWORD_<USER>}, which ./lmforge test and bench/chaos.sh export from the
 * local broker's users file (infra/infra.sh).
 */
public final class KafkaLogin {

    /** The operator's user: reads every LM Forge topic, writes any (infra/kafka-acls.properties). */
    public static final String OPERATOR = "lmforge-cli";

    private KafkaLogin() {
    }

    /** LMFORGE_KAFKA_PASSWORD_TOKENIZER_SERVICE for tokenizer-service. */
    public static String passwordVariable(String user) {
        return "LMFORGE_KAFKA_PASSWORD_" + user.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** A client's settings for {@code user} with {@code password}; a mutable map, for more settings. */
    public static Map<String, Object> scram(String bootstrap, String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("security.protocol", System.getenv().getOrDefault("LMFORGE_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"));
        config.put("sasl.mechanism", "SCRAM-SHA-512");
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return config;
    }

    /** {@link #scram} with the user's password from its environment variable; fails saying how to get it. */
    public static Map<String, Object> fromEnvironment(String bootstrap, String user) {
        String variable = passwordVariable(user);
        String password = System.getenv(variable);
        if (password == null || password.isEmpty()) {
            throw new IllegalStateException(variable + " is not set: Kafka needs " + user + "'s password. Run through ./lmforge test"
                    + " (or source infra/infra.sh and call infra_env), which exports it from .lmforge/kafka/users.properties");
        }
        return scram(bootstrap, user, password);
    }
}
