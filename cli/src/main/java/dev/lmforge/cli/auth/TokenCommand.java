package dev.lmforge.cli.auth;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "token", description = "Tokens of the local issuer (./lmforge up made its key; production uses your OIDC issuer).",
        subcommands = TokenCommand.Create.class)
public class TokenCommand {

    @Command(name = "create", description = "Mint a token: print it, or use it with LMFORGE_TOKEN=... ./lmforge ...")
    static class Create implements Callable<Integer> {

        @Option(names = "--role", required = true, description = "viewer (read, predict), editor (create, stop) or admin (delete, endpoints, models)")
        String role;

        @Option(names = "--tenant", defaultValue = "default", description = "the tenant the token acts in (default: ${DEFAULT-VALUE})")
        String tenant;

        @Option(names = "--ttl", defaultValue = "1h", description = "lifetime, e.g. 30m, 1h, 7d (default: ${DEFAULT-VALUE})")
        String ttl;

        @Option(names = "--subject", description = "who the token stands for (default: the tenant's role, e.g. viewer@default)")
        String subject;

        @Option(names = "--signing-key", description = "the issuer's private key (default: $LMFORGE_SIGNING_KEY, else ~/.lmforge/auth/signing-key.pem)")
        Path signingKey;

        @Override
        public Integer call() throws Exception {
            String claimedRole = role.toLowerCase(Locale.ROOT);
            if (!claimedRole.matches("viewer|editor|admin")) {
                throw new IllegalArgumentException("--role must be viewer, editor or admin");
            }
            if (!tenant.matches("[a-zA-Z0-9](-*[a-zA-Z0-9])*") || tenant.length() > 63) {
                throw new IllegalArgumentException("--tenant must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit");
            }
            Duration lifetime = parseTtl(ttl);
            String who = subject != null ? subject : claimedRole + "@" + tenant;
            System.out.println(LocalIssuer.open(signingKey != null ? signingKey : AuthCommand.defaultDir().resolve(LocalIssuer.PRIVATE_KEY))
                    .mint(who, claimedRole, tenant, lifetime));
            return 0;
        }
    }

    static Duration parseTtl(String ttl) {
        String text = ttl.trim().toLowerCase(Locale.ROOT);
        if (!text.matches("\\d{1,6}[smhd]")) {
            throw new IllegalArgumentException("--ttl must be a number and a unit (s, m, h or d), e.g. 1h");
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        Duration lifetime = switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (lifetime.isZero() || lifetime.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("--ttl must be between 1s and 366d");
        }
        return lifetime;
    }
}
