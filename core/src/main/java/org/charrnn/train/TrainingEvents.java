package org.charrnn.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.nio.file.Path;

/** What the trainer reports; the command line decides how to show it. */
public interface TrainingEvents {
    /** Once, before the first update. */
    default void started(StartReport report) {}

    /** After every update, with the network (for samples during training and metrics). */
    default void iteration(Progress p, ComputationGraph graph) {}

    /** After every print_every-th update. */
    default void progress(Progress p) {}

    /** After each validation, with the checkpoint it produced (null when none was written). */
    default void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {}

    default void message(String text) {}

    /** After a stop was asked for: the checkpoint written at {@code iteration} (last.zip), the run then ends. */
    default void stopped(long iteration, Path checkpoint) {}

    /** Asked after every update: true ends the run there, after saving last.zip (Ctrl-C). */
    default boolean stopRequested() {
        return false;
    }

    /** Several listeners as one, called in order. */
    static TrainingEvents all(TrainingEvents... listeners) {
        return new TrainingEvents() {
            @Override
            public void started(StartReport report) {
                for (TrainingEvents l : listeners) l.started(report);
            }

            @Override
            public void iteration(Progress p, ComputationGraph graph) {
                for (TrainingEvents l : listeners) l.iteration(p, graph);
            }

            @Override
            public void progress(Progress p) {
                for (TrainingEvents l : listeners) l.progress(p);
            }

            @Override
            public void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {
                for (TrainingEvents l : listeners) l.validated(iteration, epoch, valLoss, trainLoss, checkpoint, best);
            }

            @Override
            public void message(String text) {
                for (TrainingEvents l : listeners) l.message(text);
            }

            @Override
            public void stopped(long iteration, Path checkpoint) {
                for (TrainingEvents l : listeners) l.stopped(iteration, checkpoint);
            }

            @Override
            public boolean stopRequested() {
                for (TrainingEvents l : listeners) if (l.stopRequested()) return true;
                return false;
            }

            @Override
            public void ended(Session session) {
                for (TrainingEvents l : listeners) l.ended(session);
            }

            @Override
            public void finished() {
                for (TrainingEvents l : listeners) l.finished();
            }
        };
    }

    /** Once, when the run ends normally or not: where this session's wall clock went. */
    default void ended(Session session) {}

    /** Once, when the run ends normally or not, after {@link #ended}. */
    default void finished() {}

    /**
     * A session's wall clock (this process's training, from the loop's start) and its parts: the
     * updates themselves, validations' scoring and checkpoints' writing; the rest is the loop's own
     * work (data, metrics, progress, samples).
     */
    record Session(long iterations, long charsPerIteration, double wallSeconds, double updateSeconds, double validationSeconds,
                   double checkpointSeconds) {
        /** Wall-clock characters per second over the session. */
        public double charsPerSecond() {
            return wallSeconds <= 0 ? 0 : iterations * charsPerIteration / wallSeconds;
        }

        /** The wall clock outside updates, validations and checkpoints. */
        public double otherSeconds() {
            return Math.max(0, wallSeconds - updateSeconds - validationSeconds - checkpointSeconds);
        }

        /** A part's share of the wall clock, in [0, 1]. */
        public double share(double seconds) {
            return wallSeconds <= 0 ? 0 : seconds / wallSeconds;
        }
    }

    /**
     * Where a run is after an update. {@code charsPerSecond} is the wall-clock pace (RunClock),
     * {@code updateCharsPerSecond} the pace inside the updates alone; {@code elapsedSeconds} counts the
     * run's training time over all its sessions; {@code budgetSeconds} is train.max_time (0 = none);
     * {@code engine} how the recent updates were spent elsewhere (a distributed run's compute against
     * communication), or empty.
     */
    record Progress(long iteration, long totalIterations, double epoch, double trainLoss, double learningRate,
                    double charsPerSecond, double updateCharsPerSecond, double secondsLeft, double elapsedSeconds,
                    long budgetSeconds, String engine) {
        public Progress(long iteration, long totalIterations, double epoch, double trainLoss, double learningRate,
                        double charsPerSecond, double updateCharsPerSecond, double secondsLeft, double elapsedSeconds,
                        long budgetSeconds) {
            this(iteration, totalIterations, epoch, trainLoss, learningRate, charsPerSecond, updateCharsPerSecond, secondsLeft,
                    elapsedSeconds, budgetSeconds, "");
        }

        /**
         * How far through the run, in [0, 1]: iterations over max_epochs', or under a budget the
         * time spent over it when that is further (what the learning-rate schedule follows too).
         */
        public double fraction() {
            double byIterations = totalIterations <= 0 ? 0 : (double) iteration / totalIterations;
            double byTime = budgetSeconds > 0 ? elapsedSeconds / budgetSeconds : 0;
            return Math.min(1, Math.max(byIterations, byTime));
        }

        /** True when the time budget, not the iterations, sets how far the run is. */
        public boolean timeGoverns() {
            return budgetSeconds > 0 && elapsedSeconds / budgetSeconds > (double) iteration / Math.max(1, totalIterations);
        }
    }
}
