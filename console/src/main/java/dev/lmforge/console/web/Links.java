package dev.lmforge.console.web;

import jakarta.ws.rs.core.UriBuilder;

import java.net.URI;

/** The console's own addresses of a resource, with the name encoded as a path segment. */
final class Links {

    /** Rows of a list page; the next page is a link. */
    static final int PAGE_SIZE = 100;

    private Links() {
    }

    static URI corpus(String id) {
        return UriBuilder.fromPath("/corpora/{id}").build(id);
    }

    static URI dataset(String id) {
        return UriBuilder.fromPath("/datasets/{id}").build(id);
    }

    static URI trainingJob(String name) {
        return UriBuilder.fromPath("/training-jobs/{name}").build(name);
    }

    static URI tuningJob(String name) {
        return UriBuilder.fromPath("/tuning-jobs/{name}").build(name);
    }
}
