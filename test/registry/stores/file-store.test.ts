import * as path from "node:path";
import { FileRegistryStore } from "../../../runtime/src/registry/stores/file-store";
import { tempDir } from "../../helpers/tmp";
import { registryStoreContract } from "./contract";

const dir = tempDir();
registryStoreContract("file", () => ({
  store: (name) => new FileRegistryStore(path.join(dir, name, "registry.db")),
  location: (name) => path.join(dir, name, "registry.db"),
}));
