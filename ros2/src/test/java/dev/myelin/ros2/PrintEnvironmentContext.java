package dev.myelin.ros2;

/** Child JVM for {@link ContextTest}: prints the domain and mode a context takes from the environment. */
public final class PrintEnvironmentContext {
    private PrintEnvironmentContext() {
    }

    public static void main(String[] args) {
        try (Context ctx = Context.fromEnvironment()) {
            System.out.println("CONTEXT " + ctx.domainId() + " " + ctx.isLocalhostOnly());
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e.getMessage());
        }
    }
}
