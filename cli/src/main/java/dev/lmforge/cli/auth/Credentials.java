package dev.lmforge.cli.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI's identity: {@code LMFORGE_TOKEN} if set, else the token in the credentials file
 * ({@code LMFORGE_CREDENTIALS}, by default ~/.lmforge/credentials; {@code ./lmforge up} writes one for
 * the local admin), like ~/.aws/credentials.
 */
public final class Credentials {

    private static final String TOKEN = "token";
    private static final Pattern EXPIRY = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

    private Credentials() {
    }

    public static Path file() {
        String configured = System.getenv("LMFORGE_CREDENTIALS");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".lmforge", "credentials");
    }

    public static Optional<String> token() {
        String env = System.getenv("LMFORGE_TOKEN");
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        return read(file());
    }

    static Optional<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credentials file " + file, e);
        }
        return Optional.ofNullable(properties.getProperty(TOKEN)).map(String::trim).filter(t -> !t.isEmpty());
    }

    /** Writes a token readable by its owner only. */
    static void write(Path file, String token, String comment) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, "# " + comment + "\n" + TOKEN + "=" + token + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The expiry (epoch seconds) a token claims, read without verifying it: only to decide when to renew. */
    static long expiry(String token) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return 0;
        }
        Matcher exp = EXPIRY.matcher(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        return exp.find() ? Long.parseLong(exp.group(1)) : 0;
    }
}
