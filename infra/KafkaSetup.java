import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.FileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;

/**
 * Sets the local broker up, as its super user admin, idempotently:
 * <ol>
 * <li>the SCRAM users of the users file that the broker lacks (all of them on a broker formatted before
 * it had users; a user added later);</li>
 * <li>the topics of topics.properties (name=partitions, or name=partitions compact) that do not exist;</li>
 * <li>the ACLs of the ACL files (see infra/kafka-acls.properties): missing ones are added, and those of
 * a principal named in the files that the files no longer list are removed.</li>
 * </ol>
 * Run with `java -cp 'kafka jars' KafkaSetup.java BOOTSTRAP USERS_FILE TOPICS_FILE ACL_FILE...`.
 * Prints what it changed; never a password.
 */
public class KafkaSetup {

    private static final String ADMIN = "admin";
    private static final Comparator<AclBinding> BY_NAME = Comparator.comparing(KafkaSetup::describe);

    public static void main(String[] args) throws Exception {
        Properties users = load(args[1]);
        String adminPassword = users.getProperty(ADMIN);
        Map<String, Object> broker = client(args[0], "SCRAM-SHA-512",
                "org.apache.kafka.common.security.scram.ScramLoginModule", adminPassword);
        Set<String> existing = scramUsers(broker);
        List<UserScramCredentialAlteration> missing = new ArrayList<>();
        for (String name : new TreeSet<>(users.stringPropertyNames())) {
            if (existing == null || !existing.contains(name)) {
                missing.add(new UserScramCredentialUpsertion(name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                        users.getProperty(name)));
            }
        }
        if (!missing.isEmpty()) {
            // Without SCRAM users, admin signs in with PLAIN, which infra.sh enables for that one start.
            addUsers(existing == null ? client(args[0], "PLAIN",
                    "org.apache.kafka.common.security.plain.PlainLoginModule", adminPassword) : broker, missing);
            // the broker learns admin's new SCRAM credentials from the metadata log a moment later
            for (int i = 0; i < 40 && existing == null && scramUsers(broker) == null; i++) {
                Thread.sleep(250);
            }
        }
        try (Admin admin = Admin.create(broker)) {
            createTopics(admin, load(args[2]));
            syncAcls(admin, List.of(args).subList(3, args.length));
        }
    }

    private static Map<String, Object> client(String bootstrap, String mechanism, String loginModule, String password) {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                "sasl.mechanism", mechanism,
                "sasl.jaas.config", loginModule + " required username=\"" + ADMIN + "\" password=\"" + password + "\";",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
    }

    /** The broker's SCRAM users, or null when admin cannot sign in: a broker formatted before it had users. */
    private static Set<String> scramUsers(Map<String, Object> broker) throws Exception {
        try (Admin admin = Admin.create(broker)) {
            return new HashSet<>(admin.describeUserScramCredentials().users().get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                return null;
            }
            throw e;
        }
    }

    private static void addUsers(Map<String, Object> client, List<UserScramCredentialAlteration> missing) throws Exception {
        try (Admin admin = Admin.create(client)) {
            admin.alterUserScramCredentials(missing).all().get();
        }
        missing.forEach(u -> System.out.println("added SCRAM user " + u.user()));
    }

    private static void createTopics(Admin admin, Properties topics) throws Exception {
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : topics.stringPropertyNames()) {
            String[] spec = topics.getProperty(name).trim().split("\\s+");
            NewTopic topic = new NewTopic(name, Integer.parseInt(spec[0]), (short) 1);
            if (spec.length > 1 && spec[1].equals("compact")) {
                topic.configs(Map.of("cleanup.policy", "compact"));
            }
            wanted.add(topic);
        }
        for (var e : admin.createTopics(wanted).values().entrySet()) {
            try {
                e.getValue().get();
                System.out.println("created topic " + e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex;
                }
            }
        }
    }

    private static void syncAcls(Admin admin, List<String> files) throws Exception {
        Set<AclBinding> wanted = new HashSet<>();
        Set<String> principals = new HashSet<>();
        for (String file : files) {
            Properties table = load(file);
            for (String key : table.stringPropertyNames()) {
                int dot = key.lastIndexOf('.');
                String principal = "User:" + key.substring(0, dot);
                principals.add(principal);
                for (String name : table.getProperty(key).split(",")) {
                    wanted.add(binding(principal, key.substring(dot + 1), name.trim(), file));
                }
            }
        }
        Set<AclBinding> present = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get());
        List<AclBinding> added = wanted.stream().filter(b -> !present.contains(b)).sorted(BY_NAME).toList();
        if (!added.isEmpty()) {
            admin.createAcls(added).all().get();
            added.forEach(b -> System.out.println("added ACL " + describe(b)));
        }
        List<AclBindingFilter> stale = present.stream()
                .filter(b -> principals.contains(b.entry().principal()) && !wanted.contains(b))
                .map(AclBinding::toFilter).toList();
        if (!stale.isEmpty()) {
            for (AclBinding b : admin.deleteAcls(stale).all().get()) {
                System.out.println("removed ACL " + describe(b));
            }
        }
    }

    /** One table entry as an ACL: read and write on topics, group (READ) and describe-groups on groups. */
    private static AclBinding binding(String principal, String access, String name, String file) {
        ResourceType type;
        AclOperation operation;
        switch (access) {
            case "read" -> { type = ResourceType.TOPIC; operation = AclOperation.READ; }
            case "write" -> { type = ResourceType.TOPIC; operation = AclOperation.WRITE; }
            case "group" -> { type = ResourceType.GROUP; operation = AclOperation.READ; }
            case "describe-groups" -> { type = ResourceType.GROUP; operation = AclOperation.DESCRIBE; }
            default -> throw new IllegalArgumentException(file + ": unknown access '" + access + "' (read, write, group, describe-groups)");
        }
        boolean prefix = name.endsWith("*") && !name.equals("*");
        ResourcePattern pattern = new ResourcePattern(type, prefix ? name.substring(0, name.length() - 1) : name,
                prefix ? PatternType.PREFIXED : PatternType.LITERAL);
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static String describe(AclBinding b) {
        ResourcePattern p = b.pattern();
        return b.entry().principal() + " " + b.entry().operation() + " " + p.resourceType() + " " + p.name()
                + (p.patternType() == PatternType.PREFIXED ? "*" : "");
    }

    private static Properties load(String file) throws IOException {
        Properties p = new Properties();
        try (FileReader r = new FileReader(file)) {
            p.load(r);
        }
        return p;
    }
}
