package dev.portway.protocol;

/** The version stamped into the jar's manifest at build time; "dev" when running from classes. */
public final class ProductVersion {
    private ProductVersion() {
    }

    public static String current() {
        String version = ProductVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
