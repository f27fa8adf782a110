// What a realm page loads, bundled into one file (ui/sdk/dist/realm.js, written by
// `node scripts/sdk-bundle.mjs`): the SDK as extensions import it (`@ferrolens/extensions`,
// which the realm page's import map names this same file for) and the realm's bootstrap. One
// module to fetch and compile instead of the eighteen they are made of makes each realm start
// sooner (docs/realms.md, "Measured").
export * from "./index.js";
import "./realm.js";
