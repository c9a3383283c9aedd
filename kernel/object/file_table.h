// A process's file descriptors: small integers naming Files, each with its
// close-on-exec flag. The lowest free number is always used, as POSIX says.
#pragma once
#include <stdint.h>

#include "lib/error.h"
#include "object/file.h"

namespace object {

class FileTable {
public:
    static constexpr int max_descriptors = 256;

    FileTable() = default;
    ~FileTable();
    FileTable(const FileTable&) = delete;
    FileTable& operator=(const FileTable&) = delete;

    // Takes over one reference to file; gives the descriptor.
    lib::ErrorOr<int> install(File* file, bool close_on_exec, int lowest = 0);
    // Installs at exactly descriptor, closing what was there (dup2).
    lib::Status install_at(int descriptor, File* file, bool close_on_exec);
    // The file, without a new reference (valid while the descriptor is open
    // and the process is single-threaded; threads will need a reference).
    lib::ErrorOr<File*> get(int descriptor) const;
    lib::Status close(int descriptor);
    // fork: the same files (one more reference each) at the same numbers,
    // with their close-on-exec flags. Cannot fail.
    void copy_from(const FileTable& other);
    bool close_on_exec(int descriptor) const { return close_on_exec_[descriptor]; }
    void set_close_on_exec(int descriptor, bool value) { close_on_exec_[descriptor] = value; }
    void close_all();
    int open_count() const;

private:
    File* files_[max_descriptors] = {};
    bool close_on_exec_[max_descriptors] = {};
};

}  // namespace object
