// `image import`: an OCI layout (or an oci-archive of one) into the store.
//
// Order: chain (index → manifest → config; the layer descriptors checked
// for type and size) → signatures under the policy → unpack, each layer
// blob digest- and size-checked while it is read and its diff_id compared
// after → the mount points no layer made (mount_points.hpp) → the entry's
// files → sync → one rename into images/ → the name. Layer blobs
// are read once, by the unpack: reading them in verify_image too would
// double the I/O, and nothing of a layer is kept unless its digest matched.
#include "beneath.hpp"
#include "store_files.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/archive.hpp"
#include "ward/trust/mount_points.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::trust {
namespace {

// A layer blob as the unpacker reads it: every byte through the digest
// and size check.
class BlobSource : public ByteSource {
  public:
    explicit BlobSource(VerifyingReader& r) : r_(r) {}
    size_t read(void* buf, size_t n) override { return r_.read(buf, n); }

  private:
    VerifyingReader& r_;
};

// Takes `name` off every other entry (a name means one image), then gives
// it to `entry` and writes its image.json. Store lock held.
std::vector<std::pair<std::string, Digest>> take_name(const Store& store, StoreEntry& entry,
                                                      const std::string& name) {
    std::vector<std::pair<std::string, Digest>> moved;
    for (auto& other : store.list()) {
        if (other.manifest == entry.manifest)
            continue;
        if (std::erase(other.names, name)) {
            detail::rewrite_image_json(other);
            moved.emplace_back(name, other.manifest);
        }
    }
    if (std::find(entry.names.begin(), entry.names.end(), name) == entry.names.end()) {
        entry.names.push_back(name);
        detail::rewrite_image_json(entry);
    }
    return moved;
}

// Importing an image the store has brings its signatures along: one made
// since (by a new key, while keys rotate) joins those saved, so create
// can admit the image by it once the old key is gone. Store lock held.
void add_signatures(const Store& store, const StoreEntry& entry,
                    const std::vector<Signature>& found) {
    std::vector<Signature> saved = store.signatures(entry);
    size_t before = saved.size();
    for (const Signature& s : found) {
        bool known = std::any_of(saved.begin(), saved.end(), [&](const Signature& k) {
            return k.payload == s.payload && k.der == s.der;
        });
        if (s.problem.empty() && !known)
            saved.push_back(s);
    }
    if (saved.size() == before)
        return;
    UniqueFd dir(::open(entry.dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir)
        fail_errno("open " + entry.dir);
    detail::replace_file(dir.get(), "signatures.json", detail::serialize_signatures(saved));
}

uint64_t content_size(const TreeRecord& tree) {
    uint64_t total = 0;
    for (const auto& [path, r] : tree.files)
        if (r.type == EntryType::file)
            total += r.size;
    return total;
}

} // namespace

ImportResult import_image(const Store& store, const ImportRequest& req) {
    auto progress = [&](const std::string& line) {
        if (req.progress)
            req.progress(line);
    };
    {
        UniqueFd held = store.lock();
        detail::sweep_tmp(store);
    }

    std::optional<detail::TempDir> extracted;
    std::string layout_path = req.ref.layout;
    if (is_archive_file(req.ref.layout)) {
        struct stat st {};
        ::stat(req.ref.layout.c_str(), &st);
        progress("extracting oci-archive " + req.ref.layout + " (" +
                 human_size(static_cast<uint64_t>(st.st_size)) + ")");
        extracted.emplace(store, "archive");
        extract_archive(req.ref.layout, extracted->fd());
        layout_path = extracted->path();
        fault_point("import:archive-extracted");
    }
    // Messages about an extracted archive name the archive, not tmp/.
    auto in_source = [&](auto&& fn) {
        return extracted ? with_context("oci-archive " + req.ref.layout, fn) : fn();
    };

    Layout layout = in_source([&] { return Layout::open(layout_path); });
    SelectOptions select;
    select.tag = req.ref.tag;
    select.digest = req.ref.digest;
    select.platform = req.platform;
    VerifyOptions verify;
    verify.read_layers = false;
    VerifiedImage img = in_source([&] { return verify_image(layout, select, verify); });

    std::string name = req.name.empty() ? default_image_name(req.ref.layout, img.ref_name)
                                        : normalize_image_name(req.name);
    std::vector<Signature> sigs = find_layout_signatures(layout, img.chain);
    std::optional<Admission> admission;
    if (req.trust) {
        admission = admit_image(*req.trust, name, img.chain, sigs);
        for (const auto& warning : admission->warnings)
            log::warn(warning);
    }

    ImportResult result;
    if (auto existing = store.find(img.manifest_digest())) {
        // Nothing is unpacked, but a layout with a broken blob is still
        // refused: what was asked to be imported must verify, whole.
        VerifyOptions full;
        in_source([&] { return verify_image(layout, select, full); });
        UniqueFd held = store.lock();
        result.entry = *store.find(img.manifest_digest());
        add_signatures(store, result.entry, sigs);
        result.moved = take_name(store, result.entry, name);
        return result;
    }

    detail::TempDir work(store, "import");
    if (::mkdirat(work.fd(), "rootfs", 0700) < 0)
        fail_errno("mkdir " + work.path() + "/rootfs");
    UniqueFd rootfs(::openat(work.fd(), "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!rootfs)
        fail_errno("open " + work.path() + "/rootfs");

    StoreEntry& e = result.entry;
    UnpackOptions options = req.trust ? req.trust->unpack : UnpackOptions{};
    TreeRecord tree;
    size_t n = img.layers.size();
    for (size_t i = 0; i < n; ++i) {
        const VerifiedLayer& layer = img.layers[i];
        const Descriptor& d = layer.descriptor;
        std::string what = "layer " + d.digest.short_str();
        progress("unpacking layer " + std::to_string(i + 1) + "/" + std::to_string(n) + " " +
                 d.digest.short_str() + " (" + human_size(d.size) + ")");
        VerifyingReader reader = layout.blob_reader(d, what);
        BlobSource blob(reader);
        LayerResult r = with_context(what, [&] {
            try {
                return unpack_layer(rootfs.get(), blob, d.media_type, req.limits, options, tree);
            } catch (const Error&) {
                // A changed blob usually breaks the decompressor or the tar
                // reader before its end is reached: read the rest, so the
                // digest mismatch (the cause) is what is reported.
                reader.drain();
                throw;
            }
        });
        check_diff_id(d.digest.str(), layer.diff_id.str(), r.diff_id);
        e.dropped.devices += r.dropped_devices;
        e.dropped.setid += r.dropped_setid;
        e.dropped.capabilities += r.dropped_capabilities;
        e.dropped.xattrs += r.dropped_xattrs;
        e.layers.push_back({d.digest, d.media_type, d.size, layer.diff_id});
        // The first of several: a killed import leaves a half-unpacked rootfs.
        if (i == 0 && n > 1)
            fault_point("import:layer-unpacked");
    }

    // Before the rootfs is published: once it is, nothing writes it.
    e.mount_points = add_mount_points(rootfs.get(), tree);
    e.manifest = img.manifest_digest();
    // Published without its name: take_name gives it after the rename,
    // taking it off any other image first, so a ward killed in between
    // leaves the name on one image at most (a name means one image).
    e.names = {};
    e.chain = img.chain;
    e.imported = rfc3339_now(false);
    e.size = content_size(tree);
    e.media_type = img.manifest.media_type;
    e.config = img.config_descriptor.digest;
    e.platform = img.config.os + "/" + img.config.architecture;
    e.source = req.ref.str();
    e.admission = admission;

    detail::write_new_file(work.fd(), "files.jsonl", serialize_records(tree));
    detail::write_new_file(work.fd(), "manifest.json", img.manifest_bytes);
    detail::write_new_file(work.fd(), "config.json", img.config_bytes);
    detail::write_new_file(work.fd(), "signatures.json", detail::serialize_signatures(sigs));
    detail::write_new_file(work.fd(), "image.json", serialize_image_json(e));
    // The rootfs files were written without fsync each: one syncfs makes
    // the whole entry durable before the rename publishes it.
    if (::syncfs(work.fd()) < 0)
        fail_errno("sync " + work.path());
    ::fchmod(work.fd(), 0700);
    fault_point("import:unpacked");

    UniqueFd held = store.lock();
    UniqueFd images = detail::open_images_dir(store, true);
    if (auto raced = store.find(e.manifest)) {
        // Another import of the same image finished first: keep that one.
        result.entry = *raced;
        result.moved = take_name(store, result.entry, name);
        return result;
    }
    if (::renameat(work.tmp_fd(), work.name().c_str(), images.get(), e.manifest.hex.c_str()) < 0)
        fail_errno("rename " + work.path() + " into " + store.root() + "/images/sha256");
    work.release();
    fault_point("import:renamed");
    detail::fsync_dir(images.get(), store.root() + "/images/sha256");
    e.dir = store.root() + "/images/sha256/" + e.manifest.hex;
    result.unpacked = true;
    result.moved = take_name(store, e, name);
    return result;
}

} // namespace ward::trust
