package dev.myelin.launch;

import picocli.CommandLine.Command;

/** Listed for {@code --help}; the launcher script runs the suite through Maven itself. */
@Command(name = "test", description = "Run every test of every module (Maven; handled by the ./myelin script).")
final class TestCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Run the test suite with ./myelin test (it invokes Maven on every module).");
    }
}
