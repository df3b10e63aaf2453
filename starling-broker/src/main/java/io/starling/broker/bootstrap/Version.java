package io.starling.broker.bootstrap;

/** The version of the running build, from the jar manifest. */
public final class Version {

    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
