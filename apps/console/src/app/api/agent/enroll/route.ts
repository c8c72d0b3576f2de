import { handleEnrollRequest } from "~/server/api/enroll-handler";

export { handleEnrollRequest as POST };
