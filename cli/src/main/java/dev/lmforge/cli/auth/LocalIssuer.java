package dev.lmforge.cli.auth;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The local platform's token issuer: an RSA key pair under .lmforge/auth whose public half the
 * services trust (MP_JWT_VERIFY_PUBLICKEY_LOCATION). Only whoever can read the private key mints.
 */
public final class LocalIssuer {

    public static final String ISSUER = "lmforge-local";
    static final String PRIVATE_KEY = "signing-key.pem";
    static final String PUBLIC_KEY = "signing-key.pub.pem";

    private final PrivateKey key;

    private LocalIssuer(PrivateKey key) {
        this.key = key;
    }

    /** The issuer whose key is in the directory, made first if there is none. */
    static LocalIssuer init(Path dir) throws IOException, GeneralSecurityException {
        Path privateKey = dir.resolve(PRIVATE_KEY);
        if (!Files.exists(privateKey)) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.createDirectories(dir);
            writePem(dir.resolve(PUBLIC_KEY), "PUBLIC KEY", pair.getPublic().getEncoded(), "rw-r--r--");
            writePem(privateKey, "PRIVATE KEY", pair.getPrivate().getEncoded(), "rw-------");
        }
        return open(privateKey);
    }

    static LocalIssuer open(Path privateKey) throws IOException, GeneralSecurityException {
        if (!Files.isRegularFile(privateKey)) {
            throw new IOException("no signing key at " + privateKey + ": run ./lmforge up first, or set LMFORGE_SIGNING_KEY");
        }
        return new LocalIssuer(KeyUtils.decodePrivateKey(Files.readString(privateKey, StandardCharsets.US_ASCII)));
    }

    String mint(String subject, String role, String tenant, Duration ttl) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).subject(subject).upn(subject).groups(Set.of(role)).claim("tenant", tenant)
                .issuedAt(now).expiresAt(now.plus(ttl)).sign(key);
    }

    private static void writePem(Path file, String type, byte[] der, String permissions) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        Files.writeString(partial, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n", StandardCharsets.US_ASCII);
        Files.move(partial, file);
    }
}
