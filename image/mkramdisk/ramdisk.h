// A ramdisk being assembled: a sorted set of entries (directories, files,
// symlinks, device nodes) keyed by their path inside the image, written out
// as a deterministic cpio newc archive (docs/formats/ramdisk.md).
//
// Entries come from host directories (add_tree), single host files
// (add_file: `--add /bin/busybox=/usr/bin/busybox`), manifests and inline
// text. Nothing is read from the host until write(): an entry names its
// source, so assembling a ramdisk copies no trees.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace tessera::image {

enum class EntryKind { directory, file, symlink, character_device, block_device, fifo };

struct Entry {
    EntryKind kind = EntryKind::file;
    std::uint32_t permissions = 0644;  // the low 12 bits of st_mode
    // For files: either a host file (read at write() time) or inline bytes.
    std::filesystem::path source;
    std::string contents;          // inline file data, or the symlink target
    std::uint32_t rdev_major = 0;  // device nodes
    std::uint32_t rdev_minor = 0;
};

class RamdiskError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "/bin//busybox" and "bin/./busybox" -> "bin/busybox"; "/" -> "". Throws
// RamdiskError for "..", a NUL, or an empty result where a name is needed.
std::string normalize_image_path(const std::string& path);

struct WriteOptions {
    std::uint32_t mtime = 0;  // every member gets this mtime (reproducible builds)
};

class Ramdisk {
public:
    // Adds the contents of host directory `tree` under image directory
    // `destination` ("/" for the root). Symlinks stay symlinks, device nodes
    // and FIFOs are kept, sockets are skipped. Permissions come from the host.
    void add_tree(const std::filesystem::path& tree, const std::string& destination = "/");

    // Adds one host file (symlinks followed) at `destination`. A host
    // directory is added as a tree.
    void add_file(const std::string& destination, const std::filesystem::path& source,
                  std::optional<std::uint32_t> permissions = std::nullopt);

    void add_text(const std::string& destination, std::string contents, std::uint32_t permissions = 0644);
    void add_directory(const std::string& destination, std::uint32_t permissions = 0755);
    void add_symlink(const std::string& destination, const std::string& target);
    void add_device(const std::string& destination, EntryKind kind, std::uint32_t permissions, std::uint32_t major,
                    std::uint32_t minor);

    // "DEST=SRC" as given to `mkramdisk --add`.
    void add_spec(const std::string& spec);

    // Reads a manifest (format in docs/formats/ramdisk.md). Relative source
    // paths are relative to the manifest's directory.
    void add_manifest(const std::filesystem::path& manifest);

    // Writes the archive: members sorted by path (a parent before its
    // children), inode numbers in that order, uid/gid 0, one mtime.
    void write(std::ostream& out, const WriteOptions& options = {}) const;

    const std::map<std::string, Entry>& entries() const { return entries_; }
    const Entry* find(const std::string& path) const;
    bool contains(const std::string& path) const { return find(path) != nullptr; }

private:
    // Inserts (or replaces) an entry, creating missing parent directories.
    void put(const std::string& path, Entry entry);

    std::map<std::string, Entry> entries_;
};

// Adds one manifest line; `base` resolves relative sources. Exposed for tests.
void apply_manifest_line(Ramdisk& ramdisk, const std::string& line, const std::filesystem::path& base);

}  // namespace tessera::image
