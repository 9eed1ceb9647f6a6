package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Models as the trainer publishes them, and the endpoints this service keeps (S3 in the service),
 * each in its tenant's place: a tenant reads and writes only its own.
 */
public interface ModelStore {

    /** The model card of a complete model of the tenant; NOT_FOUND or FAILED_PRECONDITION (not complete) otherwise. */
    ModelCard card(String tenant, String version);

    S3Location location(String tenant, String version);

    /** Downloads the model's files (SavedModel, tokenizer, manifest) into an empty directory. */
    void download(String tenant, String version, Path into);

    /** The tenants that may have endpoints kept here: the default tenant first. */
    List<String> tenants();

    List<Endpoint> endpoints(String tenant);

    Optional<Endpoint> endpoint(String tenant, String name);

    void saveEndpoint(String tenant, Endpoint endpoint);
}
