// Catalog schema, one migration per step, applied in order and recorded in PRAGMA user_version.
// Never edit a shipped migration: append a new one.

export const migrations: readonly string[] = [
  // 1: the first schema
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE roots (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- absolute, resolved
    added_at TEXT NOT NULL,
    watch INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE,          -- absolute
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    hash TEXT,                          -- see library/hash.ts
    width INTEGER,
    height INTEGER,
    format TEXT,                        -- jpeg, png, webp, avif, tiff, gif, heif, raw, …
    taken_at TEXT,                      -- ISO 8601 UTC: EXIF DateTimeOriginal, else mtime
    taken_at_source TEXT,               -- 'exif' | 'mtime'
    camera_make TEXT,
    camera_model TEXT,
    orientation INTEGER,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'indexed', 'failed', 'unsupported')),
    error TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX photos_root ON photos(root_id);
  CREATE INDEX photos_status ON photos(status);
  CREATE INDEX photos_hash ON photos(hash);
  CREATE INDEX photos_taken_at ON photos(taken_at);

  -- seq is AUTOINCREMENT so it only grows: the HNSW sidecar remembers the highest seq it holds
  -- and catches up from there after a crash.
  CREATE TABLE vectors (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    dims INTEGER NOT NULL,
    vector BLOB NOT NULL,               -- float32 little-endian, L2-normalised
    UNIQUE (photo_id, model)
  );
  CREATE INDEX vectors_model ON vectors(model, photo_id);

  CREATE TABLE label_sets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    templates TEXT NOT NULL,            -- JSON array of strings with {}
    threshold REAL NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  -- Folders a set was run on ('' = the whole library): new photos there get tagged on indexing.
  CREATE TABLE label_set_folders (
    set_id INTEGER NOT NULL REFERENCES label_sets(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    PRIMARY KEY (set_id, folder)
  );

  CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES label_sets(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (set_id, name)
  );

  CREATE TABLE label_vectors (
    label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    set_version INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (label_id, model)
  );

  CREATE TABLE tags (
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    set_id INTEGER NOT NULL REFERENCES label_sets(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    set_version INTEGER NOT NULL,
    model TEXT NOT NULL,
    PRIMARY KEY (photo_id, label_id)
  );
  CREATE INDEX tags_label ON tags(label_id);
  CREATE INDEX tags_set ON tags(set_id, photo_id);

  -- Things the scanner met that are not photo rows: unreadable folders, files that vanished.
  CREATE TABLE scan_issues (
    path TEXT PRIMARY KEY,
    root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
  );
  `,
  // 2: which weights produced each model's stored vectors. Vectors are kept per model id, but the
  // files behind an id can change (a retrained bundled model, a hub model re-pulled at a newer
  // revision); the SHA-256 of each encoder file tells the engine when they did.
  `
  CREATE TABLE model_fingerprints (
    model TEXT PRIMARY KEY,
    image_sha256 TEXT NOT NULL,         -- the image encoder file (model.json files[].sha256)
    text_sha256 TEXT NOT NULL,          -- the text encoder file
    recorded_at TEXT NOT NULL
  );
  `,
];
