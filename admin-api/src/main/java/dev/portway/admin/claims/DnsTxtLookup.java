package dev.portway.admin.claims;

import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Asks DNS servers for TXT records with the JDK's own resolver (JNDI's DNS provider: no dependency, and it takes a
 * server and port, which the system resolver does not). A lookup blocks for up to a few seconds, so it runs on the
 * given executor, never on the caller's thread. {@link #records} answers other record types the same way, blocking,
 * for callers that run on a thread of their own.
 */
public final class DnsTxtLookup implements TxtLookup {
    private final String providerUrl;
    private final Executor executor;

    /** @param servers asked in order; empty: the system's resolvers */
    public DnsTxtLookup(List<InetSocketAddress> servers, Executor executor) {
        this.providerUrl = servers.isEmpty() ? "dns:" : servers.stream()
                .map(server -> "dns://" + bracketed(server.getHostString()) + ":" + server.getPort())
                .collect(Collectors.joining(" "));
        this.executor = executor;
    }

    private static String bracketed(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public CompletableFuture<List<String>> txt(String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return records(name, "TXT").stream().map(DnsTxtLookup::unquoted).toList();
            } catch (NamingException e) {
                throw new CompletionException(new IllegalStateException("DNS lookup of " + name + " failed: "
                        + e.getMessage(), e));
            }
        }, executor);
    }

    /**
     * The records of {@code type} ({@code TXT}, {@code A}, {@code AAAA}, ...) of {@code name}, as JNDI writes them;
     * empty when the name has none or does not exist. Blocks for up to a few seconds.
     */
    public List<String> records(String name, String type) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, providerUrl);
        env.put("com.sun.jndi.dns.timeout.initial", "1000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        DirContext context = new InitialDirContext(env);
        try {
            Attribute records = context.getAttributes(name, new String[] {type}).get(type);
            List<String> texts = new ArrayList<>();
            if (records != null) {
                NamingEnumeration<?> values = records.getAll();
                while (values.hasMore()) {
                    texts.add(String.valueOf(values.next()));
                }
            }
            return texts;
        } catch (NameNotFoundException absent) {
            return List.of();
        } finally {
            context.close();
        }
    }

    /** JNDI quotes a record's strings when they hold spaces; a proof token never does. */
    private static String unquoted(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                ? text.substring(1, text.length() - 1) : text;
    }
}
