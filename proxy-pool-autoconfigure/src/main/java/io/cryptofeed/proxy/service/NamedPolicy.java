package io.cryptofeed.proxy.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Only the {@code fallback_policy} of a {@link ProxyResponse}: what is read of an answer whose
 * other fields cannot be decoded (a word for {@code ttl_seconds}, a string for
 * {@code metadata}), so that the policy it names still holds.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record NamedPolicy(@JsonProperty("fallback_policy") String fallbackPolicy) {

}
