import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.FileReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Creates the topics of topics.properties (name=partitions, or name=partitions compact) that do not
 * exist yet. Run with `java -cp 'kafka jars' CreateTopics.java BOOTSTRAP FILE`.
 */
public class CreateTopics {
    public static void main(String[] args) throws Exception {
        Properties topics = new Properties();
        try (FileReader r = new FileReader(args[1])) {
            topics.load(r);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000))) {
            List<NewTopic> wanted = new ArrayList<>();
            for (String name : topics.stringPropertyNames()) {
                String[] spec = topics.getProperty(name).trim().split("\\s+");
                NewTopic topic = new NewTopic(name, Integer.parseInt(spec[0]), (short) 1);
                if (spec.length > 1 && spec[1].equals("compact")) {
                    topic.configs(Map.of("cleanup.policy", "compact"));
                }
                wanted.add(topic);
            }
            var result = admin.createTopics(wanted);
            for (var e : result.values().entrySet()) {
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
    }
}
