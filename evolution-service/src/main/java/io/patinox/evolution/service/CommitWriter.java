package io.patinox.evolution.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

/**
 * Writes commits and branches straight into a (bare) repository's object database, through an index kept in
 * memory: there is no working tree to check out, and none is needed.
 */
final class CommitWriter {

    private static final PersonIdent AUTHOR = new PersonIdent("Patinox evolution", "evolution@patinox.invalid");

    private final Repository repository;

    CommitWriter(Repository repository) {
        this.repository = repository;
    }

    /**
     * A commit of {@code changes} (full path to content, null: delete) on {@code parents}; the tree is the first
     * parent's unless {@code tree} is given.
     */
    ObjectId commit(List<ObjectId> parents, Map<String, String> changes, String message, ObjectId tree) {
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

    /** Creates the local branch {@code branch} at {@code id}; fails if it exists. */
    void createBranch(String branch, ObjectId id) {
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
    }
}
