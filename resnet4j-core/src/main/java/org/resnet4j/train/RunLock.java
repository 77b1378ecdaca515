package org.resnet4j.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;

/**
 * One training process per run directory: an exclusive lock on {@code train.lock}, which holds the
 * process id of its owner. The operating system releases the lock when the process ends, however it
 * ends, so a lock is never stale; the file stays.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = "train.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code runDir}, or throws a one-line error naming the process that trains in it. */
    static RunLock acquire(Path runDir) {
        Path file = runDir.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
                throw new ResNet4jException(runDir + ": another process" + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                        + " is training in this run directory; wait for it to end or stop it");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new ResNet4jException("cannot lock " + file + ": " + AtomicFiles.describe(e), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing was written through it that matters
        }
    }
}
