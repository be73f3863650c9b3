package io.patinox.evolution.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * What the commits of evolution's clone say about themselves: their diff, message, parent and changed paths, each
 * against the first parent. Read only.
 */
public final class CommitHistory {

    private static final String COMMIT_ID = "[0-9a-f]{40}";

    private final Repository repository;

    CommitHistory(Repository repository) {
        this.repository = repository;
    }

    /** The unified diff of a commit against its first parent. */
    public String diff(String commitId) {
        try (RevWalk walk = new RevWalk(repository);
                var out = new ByteArrayOutputStream();
                DiffFormatter formatter = new DiffFormatter(out)) {
            RevCommit commit = walk.parseCommit(resolve(commitId));
            formatter.setRepository(repository);
            RevCommit parent = walk.parseCommit(commit.getParent(0).getId());
            formatter.format(parent.getTree(), commit.getTree());
            formatter.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The full message of a commit. */
    public String message(String commitId) {
        try (RevWalk walk = new RevWalk(repository)) {
            return walk.parseCommit(resolve(commitId)).getFullMessage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a commit id (40 hex digits) is in this clone. */
    public boolean knows(String commitId) {
        try {
            return commitId.matches(COMMIT_ID) && repository.getObjectDatabase().has(ObjectId.fromString(commitId));
        } catch (IOException e) {
            return false;
        }
    }

    /** The first parent of a commit known here, or empty (unknown commit, a dirty version, the first commit). */
    public Optional<String> parentOf(String commitId) {
        if (!knows(commitId)) {
            return Optional.empty();
        }
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(ObjectId.fromString(commitId));
            return commit.getParentCount() == 0 ? Optional.empty() : Optional.of(commit.getParent(0).name());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Full paths (from the top of the repository) a commit changed against its first parent. */
    public List<String> changedPaths(String commitId) {
        try (RevWalk walk = new RevWalk(repository);
                DiffFormatter formatter = new DiffFormatter(
                        new ByteArrayOutputStream())) {
            RevCommit commit = walk.parseCommit(resolve(commitId));
            formatter.setRepository(repository);
            List<String> paths = new ArrayList<>();
            for (DiffEntry entry : formatter.scan(walk.parseCommit(commit.getParent(0)).getTree(), commit.getTree())) {
                paths.add(entry.getChangeType() == DiffEntry.ChangeType.DELETE ? entry.getOldPath() : entry.getNewPath());
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectId resolve(String revision) throws IOException {
        ObjectId id = repository.resolve(revision);
        if (id == null) {
            throw new NoSuchElementException("no commit " + revision + " in the config clone");
        }
        return id;
    }
}
