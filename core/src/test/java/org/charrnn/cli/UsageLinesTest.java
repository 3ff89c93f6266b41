package org.charrnn.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command's usage line is the one the README's table shows, and its help fits 80 columns. */
class UsageLinesTest {
    @Test
    void theReadmeShowsEachCommandsUsageLine() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (Command c : Main.commands()) {
            String usage = c.usage().split("  \\(")[0]; // sample's note on char-rnn's flags is its own
            String row = "| `" + usage.replace("|", "\\|") + "` |";
            assertTrue(readme.contains(row), "README.md's commands table lacks " + row);
        }
    }

    @Test
    void helpNamesVerboseAndFitsEightyColumns() {
        for (Command c : Main.commands()) {
            String help = c.help();
            assertTrue(help.contains("--verbose"), c.name() + " help names --verbose");
            for (String line : help.split("\n")) {
                if (line.startsWith("usage: ")) continue; // the usage line is one line by design
                assertTrue(line.length() <= 80, c.name() + " help line over 80 columns: " + line);
            }
        }
        assertEquals(7, Main.commands().size(), "core's seven; bench joins from its module (bench/'s BenchCommandTest)");
    }
}
