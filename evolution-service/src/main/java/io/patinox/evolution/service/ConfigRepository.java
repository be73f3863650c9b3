package io.patinox.evolution.service;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The config repository through JGit. Proposals become commits on their own branches, written straight into the
 * object database: the working tree and HEAD, which the running services read, are never touched.
 */
public final class ConfigRepository implements AutoCloseable {

    private static final PersonIdent AUTHOR = new PersonIdent("Patinox evolution", "evolution@patinox.invalid");

    private final Repository repository;
    private final String prefix;

    private ConfigRepository(Repository repository, String prefix) {
        this.repository = repository;
        this.prefix = prefix;
    }

    /** The repository holding {@code configDir}, or empty when it is not inside a git checkout. */
    public static Optional<ConfigRepository> open(Path configDir) {
        File dir = configDir.toAbsolutePath().normalize().toFile();
        var builder = new FileRepositoryBuilder().findGitDir(dir);
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        try {
            Repository repository = builder.setMustExist(true).build();
            Path top = repository.getWorkTree().toPath().toAbsolutePath().normalize();
            String relative = top.relativize(dir.toPath()).toString().replace(File.separatorChar, '/');
            return Optional.of(new ConfigRepository(repository, relative.isEmpty() ? "" : relative + "/"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the config repository of " + dir, e);
        }
    }

    /** The commit id of HEAD. */
    public String head() {
        try {
            ObjectId head = repository.resolve(Constants.HEAD);
            return head == null ? "unversioned" : head.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config file's content at HEAD, by path relative to the config directory. */
    public Optional<String> read(String path) {
        return readAt(Constants.HEAD, path);
    }

    /** A config file's content at a revision. */
    public Optional<String> readAt(String revision, String path) {
        try (RevWalk walk = new RevWalk(repository)) {
            ObjectId id = repository.resolve(revision);
            if (id == null) {
                return Optional.empty();
            }
            RevCommit commit = walk.parseCommit(id);
            try (TreeWalk tree = TreeWalk.forPath(repository, prefix + path, commit.getTree())) {
                if (tree == null) {
                    return Optional.empty();
                }
                byte[] bytes = repository.open(tree.getObjectId(0)).getBytes();
                return Optional.of(new String(bytes, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a branch exists. */
    public boolean hasBranch(String branch) {
        try {
            return repository.exactRef(Constants.R_HEADS + branch) != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Commits {@code changes} (config-relative path to new content) on top of HEAD as the new branch
     * {@code branch}; returns the commit id. Fails if the branch already exists.
     */
    public String commitOnNewBranch(String branch, Map<String, String> changes, String message) {
        try (ObjectInserter inserter = repository.newObjectInserter();
             ObjectReader reader = repository.newObjectReader();
             RevWalk walk = new RevWalk(repository)) {
            RevCommit head = walk.parseCommit(repository.resolve(Constants.HEAD));
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, head.getTree());
            builder.finish();
            DirCacheEditor editor = index.editor();
            for (var change : changes.entrySet()) {
                ObjectId blob = inserter.insert(Constants.OBJ_BLOB, change.getValue().getBytes(StandardCharsets.UTF_8));
                editor.add(new DirCacheEditor.PathEdit(prefix + change.getKey()) {
                    @Override
                    public void apply(DirCacheEntry entry) {
                        entry.setFileMode(FileMode.REGULAR_FILE);
                        entry.setObjectId(blob);
                    }
                });
            }
            editor.finish();
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(index.writeTree(inserter));
            commit.setParentId(head);
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage(message);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(id);
            update.setExpectedOldObjectId(ObjectId.zeroId());
            update.setRefLogMessage("patinox proposal", false);
            RefUpdate.Result result = update.update(walk);
            if (result != RefUpdate.Result.NEW) {
                throw new IllegalStateException("cannot create branch " + branch + ": " + result);
            }
            return id.name();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit on " + branch, e);
        }
    }

    /** The unified diff of a commit against its parent. */
    public String diff(String commitId) {
        try (RevWalk walk = new RevWalk(repository); var out = new ByteArrayOutputStream();
             DiffFormatter formatter = new DiffFormatter(out)) {
            RevCommit commit = walk.parseCommit(repository.resolve(commitId));
            formatter.setRepository(repository);
            RevCommit parent = walk.parseCommit(commit.getParent(0).getId());
            formatter.format(parent.getTree(), commit.getTree());
            formatter.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pushes a branch to a remote. */
    public void push(String remote, String branch) {
        try {
            Git.wrap(repository).push().setRemote(remote)
                    .setRefSpecs(new RefSpec(Constants.R_HEADS + branch + ":" + Constants.R_HEADS + branch)).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot push " + branch + " to " + remote + ": " + e.getMessage(), e);
        }
    }

    /** Where the repository is, for review records. */
    public String location() {
        return repository.getWorkTree().getAbsolutePath();
    }

    @Override
    public void close() {
        repository.close();
    }
}
