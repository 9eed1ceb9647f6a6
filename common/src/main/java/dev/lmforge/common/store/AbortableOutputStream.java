package dev.lmforge.common.store;

import java.io.OutputStream;

/** A stream whose content becomes visible only when it is closed; {@link #abort()} discards it instead. */
public abstract class AbortableOutputStream extends OutputStream {

    /** Discards what was written; safe to call after a failure, and a no-op after close. */
    public abstract void abort();
}
