import { workerProject } from "../../vitest.worker.ts";

export default workerProject("reviews");
