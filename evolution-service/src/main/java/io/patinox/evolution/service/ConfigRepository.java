package io.patinox.evolution.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ThreeWayMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * Evolution's own clone (bare) of the config remote, through JGit. Proposals become commits on their own branches
 * {@code patinox/proposal-<id>}, written straight into the object database and pushed; approval pushes the new
 * main branch, a revert pushes a commit restoring the previous files. The services' checkout is never written
 * except through a push to the remote.
 *
 * <p>
 * Fetching and pushing are {@link ConfigTransport}'s (which also serves a local checkout like the launcher's),
 * writing commits into the object database {@link CommitWriter}'s, what a commit changed {@link CommitHistory}'s.
 */
public final class ConfigRepository implements AutoCloseable {

    private static final String REMOTE = ConfigTransport.REMOTE;

    private final Repository repository;
    private final String remoteUrl;
    private final String prefix;
    private final String mainBranch;
    private final ConfigTransport transport;
    private final CommitWriter writer;
    private final CommitHistory history;
    /** The versions a fetch did not bring. */
    private final Set<String> notInRemote = new HashSet<>();

    private ConfigRepository(Repository repository, String remoteUrl, String configPath, String mainBranch,
            Optional<String> token) {
        this.repository = repository;
        this.remoteUrl = remoteUrl;
        String path = configPath.replace('\\', '/').replaceAll("^/+|/+$", "");
        this.prefix = path.isEmpty() ? "" : path + "/";
        this.mainBranch = mainBranch;
        this.transport = new ConfigTransport(repository, remoteUrl, mainBranch, token);
        this.writer = new CommitWriter(repository);
        this.history = new CommitHistory(repository);
    }

    /**
     * Opens (creating it if needed) the clone in {@code workDir} of {@code remoteUrl} and fetches.
     *
     * @param configPath the config directory inside the remote repository ({@code ""}: its top)
     */
    public static ConfigRepository open(Path workDir, String remoteUrl, String configPath, String mainBranch,
            Optional<String> token) {
        try {
            Repository repository;
            if (Files.isDirectory(workDir.resolve("objects"))) {
                repository = new FileRepositoryBuilder().setGitDir(workDir.toFile()).setMustExist(true).build();
            } else {
                Files.createDirectories(workDir);
                repository = Git.init().setBare(true).setDirectory(workDir.toFile()).setInitialBranch(mainBranch)
                        .call().getRepository();
            }
            StoredConfig config = repository.getConfig();
            config.setString("remote", REMOTE, "url", remoteUrl);
            config.setString("remote", REMOTE, "fetch", "+refs/heads/*:refs/remotes/" + REMOTE + "/*");
            config.save();
            ConfigRepository repo = new ConfigRepository(repository, remoteUrl, configPath, mainBranch, token);
            repo.fetch();
            return repo;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the config clone in " + workDir, e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot create the config clone in " + workDir + ": " + e.getMessage(), e);
        }
    }

    /** Brings the remote's branches into {@code refs/remotes/origin/*}. */
    public synchronized void fetch() {
        transport.fetch();
    }

    /**
     * Fetches when the clone does not hold commit {@code version} (the config version an aggregate is about): the
     * services run a commit evolution has not fetched, so the main branch as last fetched misses its files (an agent
     * added since). A version the fetch does not bring either (not a commit of the remote) is not fetched for again.
     */
    public synchronized void fetchFor(String version) {
        if (version == null || !ObjectId.isId(version) || notInRemote.contains(version)) {
            return;
        }
        try {
            if (repository.getObjectDatabase().has(ObjectId.fromString(version))) {
                return;
            }
            fetch();
            if (!repository.getObjectDatabase().has(ObjectId.fromString(version))) {
                notInRemote.add(version);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commit id of the remote's main branch as last fetched. */
    public String head() {
        return resolve(Constants.R_REMOTES + REMOTE + "/" + mainBranch)
                .orElseThrow(() -> new IllegalStateException("the config remote " + remoteUrl + " has no branch "
                        + mainBranch))
                .name();
    }

    /** A config file's content on the main branch, by path relative to the config directory. */
    public Optional<String> read(String path) {
        return readAt(head(), path);
    }

    /** A config file's content at a revision. */
    public Optional<String> readAt(String revision, String path) {
        return readFull(revision, prefix + path);
    }

    private Optional<String> readFull(String revision, String fullPath) {
        try (RevWalk walk = new RevWalk(repository)) {
            Optional<ObjectId> id = resolve(revision);
            if (id.isEmpty()) {
                return Optional.empty();
            }
            RevCommit commit = walk.parseCommit(id.get());
            try (TreeWalk tree = TreeWalk.forPath(repository, fullPath, commit.getTree())) {
                if (tree == null) {
                    return Optional.empty();
                }
                return Optional.of(new String(repository.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files directly in config directory {@code dir} on the main branch, sorted. */
    public List<String> list(String dir) {
        List<String> names = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repository)) {
            Optional<ObjectId> id = resolve(head());
            if (id.isEmpty()) {
                return names;
            }
            RevCommit commit = walk.parseCommit(id.get());
            try (TreeWalk tree = TreeWalk.forPath(repository, prefix + dir, commit.getTree())) {
                if (tree == null || !tree.isSubtree()) {
                    return names;
                }
                try (TreeWalk children = new TreeWalk(repository)) {
                    children.addTree(tree.getObjectId(0));
                    while (children.next()) {
                        if (!children.isSubtree()) {
                            names.add(children.getNameString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }

    /** Writes the config directory as of {@code revision} into {@code target}, then applies {@code changes}. */
    public void materialize(String revision, Map<String, String> changes, Path target) {
        try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
            RevCommit commit = walk.parseCommit(resolve(revision).orElseThrow());
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            if (!prefix.isEmpty()) {
                tree.setFilter(PathFilter.create(prefix.substring(0, prefix.length() - 1)));
            }
            while (tree.next()) {
                Path file = target.resolve(tree.getPathString().substring(prefix.length()));
                Files.createDirectories(file.getParent());
                Files.write(file, repository.open(tree.getObjectId(0)).getBytes());
            }
            ConfigFiles.apply(changes, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the config of " + revision + " to " + target, e);
        }
    }

    /** Whether a branch exists here or on the remote. */
    public boolean hasBranch(String branch) {
        return resolve(Constants.R_HEADS + branch).isPresent()
                || resolve(Constants.R_REMOTES + REMOTE + "/" + branch).isPresent();
    }

    /**
     * Commits {@code changes} (config-relative path to new content) on top of {@code parent} as the new branch
     * {@code branch} (null content: delete the file); returns the commit id. Fails if the branch already exists.
     */
    public synchronized String commitOnNewBranch(String branch, String parent, Map<String, String> changes,
            String message) {
        Map<String, String> full = new LinkedHashMap<>();
        changes.forEach((path, content) -> full.put(prefix + path, content));
        ObjectId id = writer.commit(List.of(resolve(parent).orElseThrow()), full, message, null);
        writer.createBranch(branch, id);
        return id.name();
    }

    /** The commits' diffs, messages, parents and changed paths. */
    public CommitHistory history() {
        return history;
    }

    /** Pushes a local branch to the remote under the same name. */
    public synchronized void pushBranch(String branch) {
        transport.push(Constants.R_HEADS + branch, branch, false);
    }

    /**
     * Merges {@code commit} into the remote's main branch: a fast-forward when main has not moved since it was
     * drafted, else a merge commit (refused on conflicts). Pushes, fetches and returns the new main commit.
     */
    public synchronized Merge merge(String commit, String message) {
        fetch();
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit main = walk.parseCommit(resolve(head()).orElseThrow());
            RevCommit proposal = walk.parseCommit(resolve(commit).orElseThrow());
            ObjectId target;
            if (walk.isMergedInto(main, proposal)) {
                target = proposal;
            } else {
                ThreeWayMerger merger = MergeStrategy.RECURSIVE.newMerger(repository, true);
                if (!merger.merge(main, proposal)) {
                    throw new ConflictException("the proposal conflicts with " + mainBranch + " at " + main.name()
                            + "; it must be drafted again");
                }
                target = writer.commit(List.of(main, proposal), Map.of(), message, merger.getResultTreeId());
            }
            transport.push(target.name(), mainBranch, true);
            fetch();
            return new Merge(main.name(), target.name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge " + commit, e);
        }
    }

    /**
     * On top of the remote's main branch, restores the files {@code commit} changed (against its first parent) to
     * their content at {@code previous}; pushes and returns the new main commit.
     */
    public synchronized Merge restore(String commit, String previous, String message) {
        fetch();
        String main = head();
        Map<String, String> restored = new LinkedHashMap<>();
        for (String path : history.changedPaths(commit)) {
            restored.put(path, readFull(previous, path).orElse(null));
        }
        ObjectId id = writer.commit(List.of(resolve(main).orElseThrow()), restored, message, null);
        transport.push(id.name(), mainBranch, true);
        fetch();
        return new Merge(main, id.name());
    }

    /** The main branch before and after a merge or revert. */
    public record Merge(String before, String after) {
    }

    /** A change that cannot be merged as it stands. */
    public static final class ConflictException extends IllegalStateException {
        public ConflictException(String message) {
            super(message);
        }
    }

    private Optional<ObjectId> resolve(String revision) {
        try {
            return Optional.ofNullable(repository.resolve(revision));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The remote, for review records. */
    public String remote() {
        return remoteUrl;
    }

    /** The config directory's path inside the repository, with a trailing slash (or empty). */
    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        repository.close();
    }
}
