package dev.lmforge.console.session;

import dev.lmforge.common.security.Caller;
import dev.lmforge.common.security.Role;

/** A signed-in person: their token, sent on with every call the console makes for them, and who it says they are. */
public record ConsoleUser(String token, Caller caller) {

    public boolean mayEdit() {
        return caller.may(Role.EDITOR);
    }

    public boolean mayAdminister() {
        return caller.may(Role.ADMIN);
    }

    public String name() {
        return caller.subject();
    }

    public String role() {
        return caller.role().claimName();
    }

    public String tenant() {
        return caller.tenant();
    }
}
