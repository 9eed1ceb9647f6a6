package dev.lmforge.common.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The least role each RPC and each consumed event needs, read from the one declarative table
 * {@value #RESOURCE}: keys are gRPC full method names ({@code lmforge.v1.CorpusService/GetCorpus}) and
 * topics ({@code lmforge.train.requested}). Whatever the table does not name is refused.
 */
public final class RoleTable {

    public static final String RESOURCE = "lmforge/security/roles.properties";

    private static final RoleTable INSTANCE = load();

    private final Map<String, Role> roles;

    private RoleTable(Map<String, Role> roles) {
        this.roles = Collections.unmodifiableMap(roles);
    }

    public static RoleTable get() {
        return INSTANCE;
    }

    public Optional<Role> required(String methodOrTopic) {
        return Optional.ofNullable(roles.get(methodOrTopic));
    }

    public Map<String, Role> entries() {
        return roles;
    }

    private static RoleTable load() {
        Properties table = new Properties();
        try (InputStream in = RoleTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            table.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Role> roles = new TreeMap<>();
        table.stringPropertyNames().forEach(key -> roles.put(key, Role.parse(table.getProperty(key))));
        return new RoleTable(roles);
    }
}
