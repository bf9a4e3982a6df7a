import { storeConformance } from "../../src/store/conformance.js";
import { MemoryStore } from "../../src/store/memory.js";

storeConformance("MemoryStore", () => new MemoryStore());
