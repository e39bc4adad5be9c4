package chatterbox.kyc; public final class KycMain { public static void main(String[] a) {} }
