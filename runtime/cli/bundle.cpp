// `ward bundle create --image REF DIR`: a bundle whose config.json comes
// from a store image (the rootfs stays in the store, referenced).
#include "verbs.hpp"
#include "ward/trust/image_bundle.hpp"
#include "ward/trust/store.hpp"

namespace ward::cli {

std::string store_dir(const Context& ctx) {
    return trust::store_root(ctx.options.store);
}

int verb_bundle(const Context& ctx, const VerbArgs& args) {
    BundleOptions options = bundle_options(args);
    trust::Store store = trust::Store::open(store_dir(ctx), false);
    spec::Spec spec = trust::image_bundle_spec(store, options.image, options.command, options.root);
    trust::write_bundle_config(options.dir, spec);
    return 0;
}

} // namespace ward::cli
