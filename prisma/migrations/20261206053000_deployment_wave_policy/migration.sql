-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN "wavePolicy" TEXT;

