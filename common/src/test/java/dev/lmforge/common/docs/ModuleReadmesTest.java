package dev.lmforge.common.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every module README names only packages and classes that exist: each row of a "| package |" table
 * is a package of that module and the classes it names (in backticks) are in it, or are messages of
 * the module's own .proto files (generated); every {@code package/Class} reference elsewhere (tests,
 * fixtures) is a class of some module; every relative link leads to a file. A rename that forgets
 * its README fails here.
 */
class ModuleReadmesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PACKAGE_ROW = Pattern.compile("^\\| `([a-z][a-z0-9]*(?:/[a-z][a-z0-9]*)*)` \\|(.*)$");
    /** A class name in backticks, unless it is the text of a link (the link's target is checked instead). */
    private static final Pattern CLASS_NAME = Pattern.compile("(?<!\\[)`([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#:]+)(?:#[^)]*)?\\)");
    private static final Pattern PROTO_MESSAGE = Pattern.compile("^\\s*message (\\w+)", Pattern.MULTILINE);
    private static final Pattern CLASS_PATH = Pattern.compile("`((?:[a-z][a-z0-9]*/)+)([A-Z][A-Za-z0-9]*)`");

    @Test
    void everyNamedPackageAndClassExists() throws IOException {
        List<String> missing = new ArrayList<>();
        List<Path> readmes;
        try (Stream<Path> modules = Files.list(ROOT)) {
            readmes = modules.filter(m -> Files.isDirectory(m.resolve("src"))).map(m -> m.resolve("README.md")).filter(Files::isRegularFile).sorted().toList();
        }
        assertFalse(readmes.isEmpty(), "no module README found under " + ROOT);
        for (Path readme : readmes) {
            Path module = readme.getParent();
            boolean inPackageTable = false;
            for (String line : Files.readAllLines(readme)) {
                if (line.startsWith("| package |")) {
                    inPackageTable = true;
                    continue;
                }
                if (!line.startsWith("|")) {
                    inPackageTable = false;
                }
                Matcher row = PACKAGE_ROW.matcher(line);
                if (inPackageTable && row.matches()) {
                    List<Path> packages = packageDirs(module, row.group(1));
                    if (packages.isEmpty()) {
                        missing.add(where(readme) + ": package " + row.group(1));
                        continue;
                    }
                    Matcher name = CLASS_NAME.matcher(row.group(2));
                    while (name.find()) {
                        String className = name.group(1);
                        if (packages.stream().noneMatch(p -> Files.isRegularFile(p.resolve(className + ".java"))) && !protoMessages(module).contains(className)) {
                            missing.add(where(readme) + ": class " + className + " in package " + row.group(1));
                        }
                    }
                }
                Matcher link = LINK.matcher(line);
                while (link.find()) {
                    if (!Files.exists(module.resolve(link.group(1)))) {
                        missing.add(where(readme) + ": link " + link.group(1));
                    }
                }
                Matcher path = CLASS_PATH.matcher(line);
                while (path.find()) {
                    if (!classExistsAnywhere(readmes, path.group(1) + path.group(2) + ".java")) {
                        missing.add(where(readme) + ": " + path.group(1) + path.group(2));
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "README names that no longer exist");
    }

    /** The module's directories of a package, main and test sources, whatever the package's prefix. */
    private static List<Path> packageDirs(Path module, String pkg) {
        try (Stream<Path> dirs = Files.walk(module.resolve("src"))) {
            return dirs.filter(Files::isDirectory).filter(d -> d.toString().replace('\\', '/').endsWith("/" + pkg))
                    .filter(d -> d.toString().contains("/java/")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages of a module's own .proto files, whose classes are generated at build time. */
    private static List<String> protoMessages(Path module) {
        Path protos = module.resolve("src/main/proto");
        if (!Files.isDirectory(protos)) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        try (Stream<Path> files = Files.walk(protos)) {
            for (Path proto : files.filter(f -> f.toString().endsWith(".proto")).toList()) {
                Matcher m = PROTO_MESSAGE.matcher(Files.readString(proto));
                while (m.find()) {
                    messages.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }

    private static boolean classExistsAnywhere(List<Path> readmes, String relativePath) throws IOException {
        for (Path readme : readmes) {
            try (Stream<Path> files = Files.walk(readme.getParent().resolve("src"))) {
                if (files.anyMatch(f -> f.toString().replace('\\', '/').endsWith("/" + relativePath))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String where(Path readme) {
        return ROOT.relativize(readme).toString();
    }
}
