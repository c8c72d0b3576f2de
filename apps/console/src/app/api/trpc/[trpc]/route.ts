import { handleTrpcRequest } from "~/server/api/trpc-handler";

export { handleTrpcRequest as GET, handleTrpcRequest as POST };
