#include "ward/trust/rootfs_match.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/tree_diff.hpp"

#include <limits>

namespace ward::trust {

namespace {

// What every difference message ends with: the image's files as ward's
// verified unpack recorded them.
constexpr const char* kSince = "since import";

bool is_ancestor_of_mount_point(const std::string& rel, const std::set<std::string>& mount_points) {
    std::string prefix = rel + "/";
    auto it = mount_points.lower_bound(prefix);
    return it != mount_points.end() && starts_with(*it, prefix);
}

} // namespace

std::optional<std::string> client_extra_refusal(const std::string& rel, const FileRecord& r,
                                                const std::set<std::string>& mount_points) {
    std::string added = "rootfs file " + shown_path(rel) + " added " + kSince;
    // podman links /etc/mtab to the mount table when an image has none.
    if (rel == "etc/mtab" && r.type == EntryType::symlink && r.uid == 0 && r.gid == 0 &&
        (r.target == "/proc/mounts" || r.target == "/proc/self/mounts"))
        return std::nullopt;
    bool mount_point = mount_points.count(rel) > 0;
    bool on_the_way =
        r.type == EntryType::directory && is_ancestor_of_mount_point(rel, mount_points);
    if (!mount_point && !on_the_way)
        return added;
    bool empty_target =
        r.type == EntryType::directory || (r.type == EntryType::file && r.size == 0);
    if (!empty_target)
        return added + " (a mount target, but not an empty file or directory)";
    if (r.uid != 0 || r.gid != 0 || (r.mode & 07022) != 0 || !r.xattrs.empty())
        return added + " (a mount target, but not root's with mode 0755 or less)";
    return std::nullopt;
}

namespace {

// A record as a stat-only walk sees it.
FileRecord shape(FileRecord r) {
    r.digest.clear();
    r.xattrs.clear();
    return r;
}

std::string label(const StoreEntry& entry) {
    return (entry.names.empty() ? std::string("(no name)") : entry.names.front()) + " (" +
           entry.manifest.str() + ")";
}

std::optional<TreeRecord> entry_record(const StoreEntry& entry) {
    try {
        return parse_records(read_file(entry.record_path()));
    } catch (const Error& e) {
        log::warn("image " + label(entry) + ": not matched against: " + e.what());
        return std::nullopt;
    }
}

} // namespace

std::optional<std::string> client_root_difference(const FileRecord& image_root, FileRecord got,
                                                  bool contents) {
    if (got.type == EntryType::directory && image_root.type == EntryType::directory &&
        (got.mode & ~image_root.mode & 07777) == 0)
        got.mode = image_root.mode;
    return contents ? path_difference("", image_root, got, kSince)
                    : path_difference("", shape(image_root), shape(got), kSince);
}

std::set<std::string> mount_points_as_record_paths(const std::vector<std::string>& destinations) {
    std::set<std::string> out;
    for (const auto& destination : destinations) {
        std::string rel;
        bool escapes = false;
        for (const auto& part : split(destination, '/')) {
            if (part.empty() || part == ".")
                continue;
            if (part == "..") {
                escapes = true;
                break;
            }
            rel += (rel.empty() ? "" : "/") + part;
        }
        if (!escapes && !rel.empty())
            out.insert(rel);
    }
    return out;
}

RecordComparison compare_client_record(const TreeRecord& image, const TreeRecord& client,
                                       const std::set<std::string>& mount_points, bool contents) {
    RecordComparison out;
    auto note = [&](std::optional<std::string> d) {
        if (!d)
            return;
        ++out.differing;
        if (!out.first)
            out.first = std::move(d);
    };
    auto w = image.files.begin();
    auto g = client.files.begin();
    while (w != image.files.end() || g != client.files.end()) {
        if (g == client.files.end() || (w != image.files.end() && w->first < g->first)) {
            note("rootfs file " + shown_path(w->first) + " removed " + kSince);
            ++w;
        } else if (w == image.files.end() || g->first < w->first) {
            note(client_extra_refusal(g->first, g->second, mount_points));
            ++g;
        } else {
            if (w->first.empty())
                note(client_root_difference(w->second, g->second, contents));
            else
                note(contents
                         ? path_difference(w->first, w->second, g->second, kSince)
                         : path_difference(w->first, shape(w->second), shape(g->second), kSince));
            ++w;
            ++g;
        }
    }
    return out;
}

RootfsMatch match_store_rootfs(const Store& store, int rootfs_fd,
                               const std::set<std::string>& mount_points,
                               const WalkOptions& options) {
    RootfsMatch out;
    WalkOptions look = options;
    look.hash_contents = false;
    TreeRecord shape_of_client = record_tree(rootfs_fd, look);
    out.files = shape_of_client.files.size();

    // Pass 1: the entries whose shape fits; the closest one is named when
    // none does.
    std::vector<std::pair<StoreEntry, TreeRecord>> candidates;
    size_t closest = std::numeric_limits<size_t>::max();
    std::vector<StoreEntry> entries = store.list();
    for (auto& entry : entries) {
        std::optional<TreeRecord> record = entry_record(entry);
        if (!record)
            continue;
        RecordComparison c = compare_client_record(*record, shape_of_client, mount_points, false);
        if (!c.first) {
            candidates.emplace_back(std::move(entry), std::move(*record));
        } else if (c.differing < closest) {
            closest = c.differing;
            out.why = "rootfs does not match image " + label(entry) + ": " + *c.first + " (" +
                      std::to_string(c.differing) + " paths differ)";
        }
    }
    if (entries.empty())
        out.why = "the store " + store.root() + " holds no image";
    if (candidates.empty())
        return out;

    // Pass 2: one hashing walk, compared in full.
    TreeRecord client = record_tree(rootfs_fd, options);
    out.bytes = client.content_bytes;
    for (auto& [entry, record] : candidates) {
        RecordComparison c = compare_client_record(record, client, mount_points, true);
        if (!c.first) {
            out.entry = std::move(entry);
            out.image_root = record.files[""];
            out.why.clear();
            return out;
        }
        if (&entry == &candidates.front().first)
            out.why = "rootfs does not match image " + label(entry) + ": " + *c.first;
    }
    return out;
}

} // namespace ward::trust
