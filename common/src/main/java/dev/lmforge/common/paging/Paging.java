package dev.lmforge.common.paging;

import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;

import java.util.List;

/**
 * The List calls' page_token and page_size. A token is either an offset into a sorted list (for
 * lists sorted in memory) or the last name of the previous page (for lists read in key order from
 * S3); either way it is only ever one this service returned, so anything else is INVALID_ARGUMENT.
 */
public final class Paging {

    public static final int DEFAULT_PAGE_SIZE = 20;
    public static final int MAX_PAGE_SIZE = 100;

    private Paging() {
    }

    /** The page size to use: the default for 0 (unset). */
    public static int pageSize(int requested) {
        if (requested < 0 || requested > MAX_PAGE_SIZE) {
            throw LmForgeException.invalidArgument("page_size must be between 0 and %d, got %d", MAX_PAGE_SIZE, requested);
        }
        return requested == 0 ? DEFAULT_PAGE_SIZE : requested;
    }

    /** The name after which a page starts: empty for the first page, else a valid resource name. */
    public static String startAfter(String pageToken) {
        if (!pageToken.isEmpty() && !ResourceNames.isValid(pageToken)) {
            throw notReturned(pageToken);
        }
        return pageToken;
    }

    /** The window an offset-token request asks for, checked before anything is listed. */
    public static Window window(String pageToken, int pageSize) {
        int size = pageSize(pageSize);
        return new Window(offset(pageToken), size);
    }

    private static int offset(String pageToken) {
        if (pageToken.isEmpty()) {
            return 0;
        }
        // Only the canonical digits Integer.toString wrote: no sign, no leading zeros, no other digit scripts.
        if (!pageToken.matches("0|[1-9][0-9]{0,9}")) {
            throw notReturned(pageToken);
        }
        long offset = Long.parseLong(pageToken);
        if (offset > Integer.MAX_VALUE) {
            throw notReturned(pageToken);
        }
        return (int) offset;
    }

    private static LmForgeException notReturned(String pageToken) {
        String shown = pageToken.length() > 64 ? pageToken.substring(0, 64) + "..." : pageToken;
        return LmForgeException.invalidArgument("page_token '%s' is not one this service returned", shown.replaceAll("\\p{Cntrl}", "?"));
    }

    public record Window(int offset, int size) {

        /** This window of {@code all}, which the caller sorts the same way on every call; the next token is empty after the last page. */
        public <T> Page<T> slice(List<T> all) {
            int end = (int) Math.min(all.size(), (long) offset + size);
            return new Page<>(offset >= all.size() ? List.of() : all.subList(offset, end), end < all.size() ? Integer.toString(end) : "");
        }
    }

    public record Page<T>(List<T> items, String nextPageToken) {
    }
}
