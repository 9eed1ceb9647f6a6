package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Models as the trainer publishes them, and the endpoints this service keeps (S3 in the service). */
public interface ModelStore {

    /** The model card of a complete model; NOT_FOUND or FAILED_PRECONDITION (not complete) otherwise. */
    ModelCard card(String version);

    S3Location location(String version);

    /** Downloads the model's files (SavedModel, tokenizer, manifest) into an empty directory. */
    void download(String version, Path into);

    List<Endpoint> endpoints();

    Optional<Endpoint> endpoint(String name);

    void saveEndpoint(Endpoint endpoint);
}
