#include "object/file_table.h"

namespace object {

FileTable::~FileTable() {
    close_all();
}

lib::ErrorOr<int> FileTable::install(File* file, bool close_on_exec, int lowest) {
    if (lowest < 0 || lowest >= max_descriptors) return lib::Error::invalid_argument;
    for (int descriptor = lowest; descriptor < max_descriptors; ++descriptor) {
        if (files_[descriptor] == nullptr) {
            files_[descriptor] = file;
            close_on_exec_[descriptor] = close_on_exec;
            return descriptor;
        }
    }
    return lib::Error::too_many_files;
}

lib::Status FileTable::install_at(int descriptor, File* file, bool close_on_exec) {
    if (descriptor < 0 || descriptor >= max_descriptors) return lib::Error::bad_descriptor;
    if (files_[descriptor] != nullptr) files_[descriptor]->release();
    files_[descriptor] = file;
    close_on_exec_[descriptor] = close_on_exec;
    return lib::ok();
}

lib::ErrorOr<File*> FileTable::get(int descriptor) const {
    if (descriptor < 0 || descriptor >= max_descriptors || files_[descriptor] == nullptr) {
        return lib::Error::bad_descriptor;
    }
    return files_[descriptor];
}

lib::Status FileTable::close(int descriptor) {
    if (descriptor < 0 || descriptor >= max_descriptors || files_[descriptor] == nullptr) {
        return lib::Error::bad_descriptor;
    }
    files_[descriptor]->release();
    files_[descriptor] = nullptr;
    return lib::ok();
}

void FileTable::copy_from(const FileTable& other) {
    close_all();
    for (int descriptor = 0; descriptor < max_descriptors; ++descriptor) {
        files_[descriptor] = other.files_[descriptor];
        close_on_exec_[descriptor] = other.close_on_exec_[descriptor];
        if (files_[descriptor] != nullptr) files_[descriptor]->reference();
    }
}

void FileTable::close_all() {
    for (int descriptor = 0; descriptor < max_descriptors; ++descriptor) {
        if (files_[descriptor] != nullptr) (void)close(descriptor);
    }
}

int FileTable::open_count() const {
    int count = 0;
    for (File* file : files_) count += file != nullptr;
    return count;
}

}  // namespace object
