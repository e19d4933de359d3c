package dev.portway.admin.claims;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The TXT records of a DNS name, as a domain proof reads them. */
public interface TxtLookup {
    /** Each record's text (its strings joined); empty when the name has none or does not exist. */
    CompletableFuture<List<String>> txt(String name);
}
