package dev.lmforge.cli.auth;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "auth", description = "The local platform's identities (./lmforge up runs this).", subcommands = AuthCommand.Init.class)
public class AuthCommand {

    /** Services that call other services, each with its own principal. */
    static final List<String> CALLING_SERVICES = List.of("tuner-service");
    private static final Duration LIFETIME = Duration.ofDays(30);
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);

    static Path defaultDir() {
        String configured = System.getenv("LMFORGE_SIGNING_KEY");
        return configured != null && !configured.isBlank() ? Path.of(configured).getParent()
                : Path.of(System.getProperty("user.home"), ".lmforge", "auth");
    }

    @Command(name = "init", description = "Make the signing key pair if there is none, an admin token for you in the credentials file "
            + "and a token per calling service; tokens are renewed a day before they expire.")
    static class Init implements Callable<Integer> {

        @Option(names = "--dir", description = "where the key pair and service tokens go (default: ~/.lmforge/auth)")
        Path dir;

        @Option(names = "--user", defaultValue = "${sys:user.name}", description = "who the admin token stands for (default: ${DEFAULT-VALUE})")
        String user;

        @Override
        public Integer call() throws Exception {
            Path auth = dir != null ? dir : defaultDir();
            LocalIssuer issuer = LocalIssuer.init(auth);
            Path credentials = Credentials.file();
            if (needsToken(credentials)) {
                Credentials.write(credentials, issuer.mint(user, "admin", "default", LIFETIME),
                        "LM Forge credentials of " + user + " (admin of tenant 'default'), written by ./lmforge up; LMFORGE_TOKEN overrides it");
            }
            for (String service : CALLING_SERVICES) {
                Path token = auth.resolve(service + ".token");
                if (needsToken(token)) {
                    // A service principal: editor, acting in the tenant each call names.
                    Credentials.write(token, issuer.mint("service:" + service, "editor", "*", LIFETIME), service + "'s own identity");
                }
            }
            return 0;
        }

        private static boolean needsToken(Path file) {
            return Credentials.read(file).map(Credentials::expiry)
                    .map(exp -> Instant.ofEpochSecond(exp).isBefore(Instant.now().plus(RENEW_BEFORE)))
                    .orElse(true);
        }
    }
}
