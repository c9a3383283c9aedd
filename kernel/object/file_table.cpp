#include "object/file_table.h"

#include "lib/allocator.h"

namespace object {

lib::Status FileTable::create() {
    Table* table = lib::make<Table>();
    if (table == nullptr) return lib::Error::no_memory;
    release();
    table_ = table;
    return lib::ok();
}

lib::Status FileTable::copy_from(const FileTable& other) {
    Table* table = lib::make<Table>();
    if (table == nullptr) return lib::Error::no_memory;
    if (other.table_ != nullptr) {
        for (int descriptor = 0; descriptor < max_descriptors; ++descriptor) {
            File* file = other.table_->files[descriptor];
            if (file != nullptr) file->reference();
            table->files[descriptor] = file;
            table->close_on_exec[descriptor] = other.table_->close_on_exec[descriptor];
        }
    }
    release();
    table_ = table;
    return lib::ok();
}

void FileTable::share(const FileTable& other) {
    if (other.table_ == table_) return;
    release();
    table_ = other.table_;
    if (table_ != nullptr) ++table_->references;
}

bool FileTable::is_shared() const {
    return table_ != nullptr && table_->references > 1;
}

void FileTable::close_all(Table& table) {
    for (File*& file : table.files) {
        // Cleared before the release: a File's destructor may look at the table.
        File* closing = file;
        file = nullptr;
        if (closing != nullptr) {
            closing->descriptor_closed();
            closing->release();
        }
    }
}

void FileTable::release() {
    Table* table = table_;
    table_ = nullptr;
    if (table == nullptr || --table->references > 0) return;
    close_all(*table);
    lib::destroy(table);
}

lib::ErrorOr<int> FileTable::install(File* file, bool close_on_exec, int lowest) {
    if (lowest < 0 || lowest >= max_descriptors) return lib::Error::invalid_argument;
    if (table_ == nullptr) return lib::Error::too_many_files;
    for (int descriptor = lowest; descriptor < max_descriptors; ++descriptor) {
        if (table_->files[descriptor] == nullptr) {
            table_->files[descriptor] = file;
            table_->close_on_exec[descriptor] = close_on_exec;
            return descriptor;
        }
    }
    return lib::Error::too_many_files;
}

lib::Status FileTable::install_at(int descriptor, File* file, bool close_on_exec) {
    if (descriptor < 0 || descriptor >= max_descriptors || table_ == nullptr) return lib::Error::bad_descriptor;
    File* previous = table_->files[descriptor];
    table_->files[descriptor] = file;
    table_->close_on_exec[descriptor] = close_on_exec;
    if (previous != nullptr) {
        previous->descriptor_closed();
        previous->release();
    }
    return lib::ok();
}

lib::ErrorOr<FileReference> FileTable::get(int descriptor) const {
    if (descriptor < 0 || descriptor >= max_descriptors || table_ == nullptr ||
        table_->files[descriptor] == nullptr) {
        return lib::Error::bad_descriptor;
    }
    return FileReference::share(table_->files[descriptor]);
}

lib::Status FileTable::close(int descriptor) {
    if (descriptor < 0 || descriptor >= max_descriptors || table_ == nullptr ||
        table_->files[descriptor] == nullptr) {
        return lib::Error::bad_descriptor;
    }
    File* file = table_->files[descriptor];
    table_->files[descriptor] = nullptr;
    file->descriptor_closed();
    file->release();
    return lib::ok();
}

bool FileTable::close_on_exec(int descriptor) const {
    return table_ != nullptr && descriptor >= 0 && descriptor < max_descriptors && table_->close_on_exec[descriptor];
}

void FileTable::set_close_on_exec(int descriptor, bool value) {
    if (table_ != nullptr && descriptor >= 0 && descriptor < max_descriptors) table_->close_on_exec[descriptor] = value;
}

void FileTable::close_on_exec_all() {
    if (table_ == nullptr) return;
    for (int descriptor = 0; descriptor < max_descriptors; ++descriptor) {
        if (table_->files[descriptor] != nullptr && table_->close_on_exec[descriptor]) (void)close(descriptor);
    }
}

int FileTable::open_count() const {
    if (table_ == nullptr) return 0;
    int count = 0;
    for (File* file : table_->files) count += file != nullptr;
    return count;
}

}  // namespace object
