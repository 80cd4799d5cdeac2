/**
 * Sound output on the host: {@link javelin.ui.audio.OpenAlSpeakerOutput} plays the PC speaker
 * through OpenAL Soft (LWJGL).
 */
package javelin.ui.audio;
