// A process's file descriptors: small integers naming Files, each with its
// close-on-exec flag. The lowest free number is always used, as POSIX says.
//
// The table itself is reference counted: a FileTable is one holder's
// handle on it. fork copies it (copy_from); clone(CLONE_FILES) shares it
// (share), so a close in one sharer is seen by all. Threads of one process
// share their Process and so its handle; CLONE_FILES between processes
// shares the table underneath.
#pragma once
#include <stdint.h>

#include "lib/error.h"
#include "object/file.h"

namespace object {

class FileTable {
public:
    static constexpr int max_descriptors = 256;

    FileTable() = default;  // no table yet: create, share or copy_from first
    ~FileTable() { release(); }
    FileTable(const FileTable&) = delete;
    FileTable& operator=(const FileTable&) = delete;

    // A new empty table (dropping any held before).
    lib::Status create();
    // fork: a new table with the same files (one more reference each) at
    // the same numbers, with their close-on-exec flags.
    lib::Status copy_from(const FileTable& other);
    // CLONE_FILES: the same table as other.
    void share(const FileTable& other);
    // Whether another holder shares this table (execve then takes a copy).
    bool is_shared() const;
    // Drops this handle; the descriptors close with the table's last holder.
    void release();

    // Takes over one reference to file (not on failure); gives the descriptor.
    lib::ErrorOr<int> install(File* file, bool close_on_exec, int lowest = 0);
    // Installs at exactly descriptor, closing what was there (dup2).
    lib::Status install_at(int descriptor, File* file, bool close_on_exec);
    // The file, with a reference of its own: it stays valid for the whole
    // system call even if another thread closes the descriptor meanwhile.
    lib::ErrorOr<FileReference> get(int descriptor) const;
    lib::Status close(int descriptor);
    // For an open descriptor (the caller checked it with get).
    bool close_on_exec(int descriptor) const;
    void set_close_on_exec(int descriptor, bool value);
    // execve: closes the close-on-exec descriptors.
    void close_on_exec_all();
    int open_count() const;

private:
    struct Table {
        uint32_t references = 1;
        File* files[max_descriptors] = {};
        bool close_on_exec[max_descriptors] = {};
    };
    static void close_all(Table& table);

    Table* table_ = nullptr;
};

}  // namespace object
