package chatterbox; public final class ChatterBoxMain { public static void main(String[] a) {} }
