// load_experiment: read with includes, apply --set, validate.
#include "config/experiment.h"

#include "config/include.h"
#include "config/overrides.h"
#include "config/validate.h"

namespace soma {

Experiment load_experiment(const std::filesystem::path& file, Registry& registry,
                           const std::vector<std::string>& overrides, const PluginPermission& permission) {
    Node root = read_document(file);
    apply_overrides(root, overrides);
    return build_experiment(root, registry, file, permission);
}

}  // namespace soma
