package io.patinox.evolution.service;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
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
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ThreeWayMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * Evolution's own clone (bare) of the config remote, through JGit. Proposals become commits on their own branches
 * {@code patinox/proposal-<id>}, written straight into the object database and pushed; approval pushes the new
 * main branch, a revert pushes a commit restoring the previous files. The services' checkout is never written
 * except through a push to the remote.
 *
 * <p>A remote that is a local checkout (the launcher's) receives the push through git's own receive-pack
 * ({@link #GIT_RECEIVE_PACK}), so that its {@code receive.denyCurrentBranch=updateInstead} updates the files the
 * services read along with the checked-out branch.
 */
public final class ConfigRepository implements AutoCloseable {

    private static final PersonIdent AUTHOR = new PersonIdent("Patinox evolution", "evolution@patinox.invalid");
    private static final String REMOTE = "origin";
    /**
     * The receiving side of a push to a local checkout: git's own, run by JGit as a process, because JGit's
     * in-process one (what it uses for the plain {@code git-receive-pack}) does not honour
     * {@code receive.denyCurrentBranch=updateInstead}. Any other spelling makes JGit fork the command.
     */
    static final String GIT_RECEIVE_PACK = "exec git receive-pack";

    private final Repository repository;
    private final String remoteUrl;
    private final String prefix;
    private final String mainBranch;
    private final boolean localCheckout;
    private CredentialsProvider credentials;

    private ConfigRepository(Repository repository, String remoteUrl, String configPath, String mainBranch) {
        this.repository = repository;
        this.remoteUrl = remoteUrl;
        String path = configPath.replace('\\', '/').replaceAll("^/+|/+$", "");
        this.prefix = path.isEmpty() ? "" : path + "/";
        this.mainBranch = mainBranch;
        this.localCheckout = isLocalCheckout(remoteUrl);
    }

    /** The top of the git checkout holding {@code dir}, or empty. */
    public static Optional<Path> checkoutOf(Path dir) {
        File file = dir.toAbsolutePath().normalize().toFile();
        var builder = new FileRepositoryBuilder().findGitDir(file);
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        File gitDir = builder.getGitDir();
        return Optional.of(gitDir.getName().equals(Constants.DOT_GIT) ? gitDir.getParentFile().toPath() : gitDir.toPath());
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
            ConfigRepository repo = new ConfigRepository(repository, remoteUrl, configPath, mainBranch);
            // A token (GitHub's) authenticates fetch and push over HTTPS.
            repo.credentials = token.map(t -> new UsernamePasswordCredentialsProvider("x-access-token", t)).orElse(null);
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
        try (Git git = Git.wrap(repository)) {
            git.fetch().setRemote(REMOTE).setRemoveDeletedRefs(true).setCredentialsProvider(credentials).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot fetch the config remote " + remoteUrl + ": " + e.getMessage(), e);
        }
    }

    /** The commit id of the remote's main branch as last fetched. */
    public String head() {
        return resolve(Constants.R_REMOTES + REMOTE + "/" + mainBranch)
                .orElseThrow(() -> new IllegalStateException("the config remote " + remoteUrl + " has no branch "
                        + mainBranch)).name();
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
            for (var change : changes.entrySet()) {
                Path file = target.resolve(change.getKey());
                if (change.getValue() == null) {
                    Files.deleteIfExists(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                Files.writeString(file, change.getValue());
            }
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
        ObjectId id = commit(List.of(resolve(parent).orElseThrow()), full, message, null);
        try (RevWalk walk = new RevWalk(repository)) {
            RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(id);
            update.setExpectedOldObjectId(ObjectId.zeroId());
            update.setRefLogMessage("patinox proposal", false);
            RefUpdate.Result result = update.update(walk);
            if (result != RefUpdate.Result.NEW) {
                throw new IllegalStateException("cannot create branch " + branch + ": " + result);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create branch " + branch, e);
        }
        return id.name();
    }

    /**
     * A commit of {@code changes} (full path to content, null: delete) on {@code parents}; the tree is the first
     * parent's unless {@code tree} is given.
     */
    private ObjectId commit(List<ObjectId> parents, Map<String, String> changes, String message, ObjectId tree) {
        try (ObjectInserter inserter = repository.newObjectInserter();
             ObjectReader reader = repository.newObjectReader();
             RevWalk walk = new RevWalk(repository)) {
            RevCommit first = walk.parseCommit(parents.get(0));
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, tree != null ? walk.parseTree(tree)
                    : first.getTree());
            builder.finish();
            DirCacheEditor editor = index.editor();
            for (var change : changes.entrySet()) {
                if (change.getValue() == null) {
                    editor.add(new DirCacheEditor.DeletePath(change.getKey()));
                    continue;
                }
                ObjectId blob = inserter.insert(Constants.OBJ_BLOB, change.getValue().getBytes(StandardCharsets.UTF_8));
                editor.add(new DirCacheEditor.PathEdit(change.getKey()) {
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
            commit.setParentIds(parents);
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage(message);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a commit", e);
        }
    }

    /** The unified diff of a commit against its first parent. */
    public String diff(String commitId) {
        try (RevWalk walk = new RevWalk(repository); var out = new ByteArrayOutputStream();
             DiffFormatter formatter = new DiffFormatter(out)) {
            RevCommit commit = walk.parseCommit(resolve(commitId).orElseThrow());
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
            return walk.parseCommit(resolve(commitId).orElseThrow()).getFullMessage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a commit id (40 hex digits) is in this clone. */
    public boolean knows(String commitId) {
        try {
            return commitId.matches("[0-9a-f]{40}")
                    && repository.getObjectDatabase().has(ObjectId.fromString(commitId));
        } catch (IOException e) {
            return false;
        }
    }

    /** The first parent of a commit known here, or empty (unknown commit, a dirty version, the first commit). */
    public Optional<String> parentOf(String commitId) {
        try (RevWalk walk = new RevWalk(repository)) {
            Optional<ObjectId> id = commitId.matches("[0-9a-f]{40}") ? resolve(commitId) : Optional.empty();
            if (id.isEmpty() || !repository.getObjectDatabase().has(id.get())) {
                return Optional.empty();
            }
            RevCommit commit = walk.parseCommit(id.get());
            return commit.getParentCount() == 0 ? Optional.empty() : Optional.of(commit.getParent(0).name());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Pushes a local branch to the remote under the same name. */
    public synchronized void pushBranch(String branch) {
        push(Constants.R_HEADS + branch, branch, false);
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
                target = commit(List.of(main, proposal), Map.of(), message, merger.getResultTreeId());
            }
            push(target.name(), mainBranch, true);
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
        for (String path : changedPaths(commit)) {
            restored.put(path, readFull(previous, path).orElse(null));
        }
        ObjectId id = commit(List.of(resolve(main).orElseThrow()), restored, message, null);
        push(id.name(), mainBranch, true);
        fetch();
        return new Merge(main, id.name());
    }

    /** Full paths a commit changed against its first parent. */
    List<String> changedPaths(String commitId) {
        try (RevWalk walk = new RevWalk(repository); DiffFormatter formatter = new DiffFormatter(
                new ByteArrayOutputStream())) {
            RevCommit commit = walk.parseCommit(resolve(commitId).orElseThrow());
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

    /** The main branch before and after a merge or revert. */
    public record Merge(String before, String after) {
    }

    /** A change that cannot be merged as it stands. */
    public static final class ConflictException extends IllegalStateException {
        public ConflictException(String message) {
            super(message);
        }
    }

    private void push(String source, String branch, boolean main) {
        try (Git git = Git.wrap(repository)) {
            PushCommand push = git.push().setRemote(REMOTE)
                    .setRefSpecs(new RefSpec(source + ":" + Constants.R_HEADS + branch))
                    .setCredentialsProvider(credentials);
            if (localCheckout) {
                push.setReceivePack(GIT_RECEIVE_PACK);
            }
            for (PushResult result : push.call()) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    if (update.getStatus() != RemoteRefUpdate.Status.OK
                            && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        String why = update.getStatus() + (update.getMessage() == null ? "" : ": " + update.getMessage());
                        if (main && update.getStatus() == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD) {
                            throw new ConflictException(mainBranch + " moved on the remote meanwhile (" + why + ")");
                        }
                        throw new IllegalStateException("the config remote " + remoteUrl + " refused " + branch + ": "
                                + why);
                    }
                }
            }
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot push " + branch + " to " + remoteUrl + ": " + e.getMessage(), e);
        }
    }

    private Optional<ObjectId> resolve(String revision) {
        try {
            return Optional.ofNullable(repository.resolve(revision));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code url} names a local repository with a working tree. */
    static boolean isLocalCheckout(String url) {
        try {
            URIish uri = new URIish(url);
            if (uri.getScheme() != null && !"file".equals(uri.getScheme())) {
                return false;
            }
            Path path = Path.of(uri.getPath());
            return Files.isDirectory(path.resolve(Constants.DOT_GIT))
                    || (path.getFileName() != null && path.getFileName().toString().equals(Constants.DOT_GIT));
        } catch (URISyntaxException | RuntimeException e) {
            return false;
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
