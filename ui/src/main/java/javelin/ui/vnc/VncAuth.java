package javelin.ui.vnc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * VNC Authentication (RFC 6143 section 7.2.2): the server sends a random 16-byte challenge, the
 * client returns it DES-encrypted (ECB, two blocks) with the password as key. The key is the
 * first 8 bytes of the password, zero-padded, with the bits of every byte reversed: the original
 * implementation's DES numbered key bits from the other end, and every client copies that.
 */
final class VncAuth {
    static final int CHALLENGE_BYTES = 16;
    private static final int KEY_BYTES = 8;

    private VncAuth() { }

    static byte[] challenge(SecureRandom random) {
        byte[] c = new byte[CHALLENGE_BYTES];
        random.nextBytes(c);
        return c;
    }

    /** The response a client knowing {@code password} sends for {@code challenge}. */
    static byte[] response(String password, byte[] challenge) {
        byte[] key = new byte[KEY_BYTES];
        byte[] pw = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < KEY_BYTES && i < pw.length; i++) key[i] = (byte) (Integer.reverse(pw[i] & 0xFF) >>> 24);
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always provides DES/ECB/NoPadding", e);
        }
    }

    /** Constant-time comparison of the client's answer with the expected one. */
    static boolean verify(String password, byte[] challenge, byte[] answer) {
        return MessageDigest.isEqual(response(password, challenge), answer);
    }
}
