package dev.lmforge.common.security;

import dev.lmforge.common.events.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleTableTest {

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern SERVICE = Pattern.compile("^service (\\w+) \\{(.*?)^}", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern RPC = Pattern.compile("^\\s*rpc (\\w+)\\(", Pattern.MULTILINE);

    @Test
    void everyRpcOfEveryProtoIsInTheTable() throws Exception {
        Set<String> rpcs = allRpcs();
        assertTrue(rpcs.size() >= 30, "found only " + rpcs);
        List<String> missing = rpcs.stream().filter(rpc -> RoleTable.get().required(rpc).isEmpty()).toList();
        assertEquals(List.of(), missing, "RPCs missing from " + RoleTable.RESOURCE);
    }

    @Test
    void theTableNamesNoRpcThatDoesNotExist() throws Exception {
        Set<String> rpcs = allRpcs();
        List<String> stale = RoleTable.get().entries().keySet().stream()
                .filter(key -> key.startsWith("lmforge.v1.") && !rpcs.contains(key)).toList();
        assertEquals(List.of(), stale);
    }

    @Test
    void everyConsumedTopicNeedsARole() {
        for (String topic : List.of(Topics.CORPUS_INGESTED, Topics.TOKENS_READY, Topics.TRAIN_REQUESTED, Topics.MODEL_READY,
                Topics.TRAINING_PROGRESS, Topics.ENDPOINTS)) {
            assertTrue(RoleTable.get().required(topic).filter(role -> role.includes(Role.EDITOR)).isPresent(), topic);
        }
    }

    @Test
    void onlyHealthIsPublic() {
        List<String> open = RoleTable.get().entries().entrySet().stream().filter(e -> e.getValue() == Role.PUBLIC)
                .map(Map.Entry::getKey).toList();
        assertEquals(List.of("grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch"), open);
    }

    /** Every RPC of the proto module's .proto files, found by listing them, so a new file is covered too. */
    static Set<String> allRpcs() throws IOException, URISyntaxException {
        URI common = RoleTableTest.class.getClassLoader().getResource("lmforge/v1/common.proto").toURI();
        Set<String> rpcs = new TreeSet<>();
        if ("jar".equals(common.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(common, Map.of())) {
                collect(jar.getPath("lmforge/v1"), rpcs);
            }
        } else {
            collect(Path.of(common).getParent(), rpcs);
        }
        return rpcs;
    }

    private static void collect(Path protoDir, Set<String> rpcs) throws IOException {
        List<Path> protos;
        try (Stream<Path> files = Files.list(protoDir)) {
            protos = files.filter(f -> f.toString().endsWith(".proto")).toList();
        }
        for (Path proto : protos) {
            String text = Files.readString(proto, StandardCharsets.UTF_8);
            Matcher pkg = PACKAGE.matcher(text);
            assertTrue(pkg.find(), proto + " has no package");
            Matcher service = SERVICE.matcher(text);
            while (service.find()) {
                Matcher rpc = RPC.matcher(service.group(2));
                while (rpc.find()) {
                    rpcs.add(pkg.group(1) + "." + service.group(1) + "/" + rpc.group(1));
                }
            }
        }
    }
}
