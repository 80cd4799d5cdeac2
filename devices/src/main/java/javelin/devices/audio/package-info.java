/**
 * Sound: the PC speaker ({@link javelin.devices.audio.PcSpeaker}) and its OpenAL host output
 * ({@link javelin.devices.audio.OpenAlSpeakerOutput}).
 */
package javelin.devices.audio;
